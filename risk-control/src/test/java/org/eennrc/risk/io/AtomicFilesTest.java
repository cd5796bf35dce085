package org.eennrc.risk.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path tmp;

    @Test
    void writesAndLeavesNoTemporaryFile() throws IOException {
        Path f = tmp.resolve("a/b.txt");
        AtomicFiles.write(f, os -> os.write("hi".getBytes()));
        assertThat(Files.readString(f)).isEqualTo("hi");
        assertThat(OutputTargets.list(f.getParent())).containsExactly("b.txt");
    }

    @Test
    void aLocationThatCannotBeWrittenIsNamedAsTheUserGaveItNotAsTheTemporaryFile() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("blocker"), "a file");
        Path f = blocker.resolve("policy.json");
        assertThatThrownBy(() -> AtomicFiles.write(f, os -> os.write(1))).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot write " + f).satisfies(e -> assertThat(e.getMessage()).doesNotContain(".tmp"));
    }
}
