package org.eennrc.risk.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.eennrc.risk.io.NpyTest.fixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatrixFilesTest {
    @TempDir Path tmp;

    @Test
    void readsNpyMatrixAndRejectsWrongRank() throws IOException {
        double[][] m = MatrixFiles.readMatrix(fixture("f8_2d.npy"));
        assertThat(m).hasDimensions(3, 4);
        assertThat(m[0][1]).isEqualTo(1 / 8.0);
        assertThatThrownBy(() -> MatrixFiles.readMatrix(fixture("f4.npy"))).hasMessageContaining("expected a 2-D");
        assertThat(MatrixFiles.readVector(fixture("f4.npy"))).hasSize(4);
        assertThatThrownBy(() -> MatrixFiles.readVector(fixture("f8_2d.npy"))).hasMessageContaining("expected a 1-D");
    }

    @Test
    void readsCsvMatrixIgnoringBlankLines() throws IOException {
        Path f = tmp.resolve("m.csv");
        Files.writeString(f, "0,0.5, 1\n\n-1,2e-3,3\n\n");
        double[][] m = MatrixFiles.readMatrix(f);
        assertThat(m).hasDimensions(2, 3);
        assertThat(m[1]).containsExactly(-1, 2e-3, 3);
    }

    @Test
    void badCsvNumberNamesLineAndColumn() throws IOException {
        Path f = tmp.resolve("bad.csv");
        Files.writeString(f, "1,2,3\n\n4,x5,6\n");
        assertThatThrownBy(() -> MatrixFiles.readMatrix(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad.csv").hasMessageContaining("line 3, column 2")
                .hasMessageContaining("'x5'");
        Path g = tmp.resolve("ragged.csv");
        Files.writeString(g, "1,2,3\n4,5\n");
        assertThatThrownBy(() -> MatrixFiles.readMatrix(g)).hasMessageContaining("row 2 has 2 values");
    }

    @Test
    void readsCsvVectorsInBothLayouts() throws IOException {
        Path a = tmp.resolve("a.csv");
        Files.writeString(a, "1,2,3\n");
        Path b = tmp.resolve("b.csv");
        Files.writeString(b, "1\n2\n\n3\n");
        assertThat(MatrixFiles.readVector(a)).containsExactly(1, 2, 3);
        assertThat(MatrixFiles.readVector(b)).containsExactly(1, 2, 3);
    }

    @Test
    void missingFileAndUnknownTypeAreNamed() throws IOException {
        Path f = tmp.resolve("gone.csv");
        assertThatThrownBy(() -> MatrixFiles.readMatrix(f)).hasMessageContaining("gone.csv");
        Path t = tmp.resolve("x.txt");
        Files.writeString(t, "1");
        assertThatThrownBy(() -> MatrixFiles.readVector(t)).hasMessageContaining("expected .npy or .csv");
    }
}
