package org.eennrc.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class FashionMnistTest {
    @TempDir
    Path tmp;

    static void writeIdx(Path dir, String name, int n, int h, int w, long seed) throws IOException {
        java.util.Random r = new java.util.Random(seed);
        try (var out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(name + "-images-idx3-ubyte.gz"))))) {
            out.writeInt(0x803);
            out.writeInt(n);
            out.writeInt(h);
            out.writeInt(w);
            for (int i = 0; i < n * h * w; i++) {
                out.writeByte(i % (h * w) == 0 ? (i / (h * w)) % 256 : r.nextInt(256));
            }
        }
        try (var out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(name + "-labels-idx1-ubyte.gz"))))) {
            out.writeInt(0x801);
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeByte(i % 10);
            }
        }
    }

    @Test
    void readsGzippedIdxAndSplitsDeterministically() throws IOException {
        writeIdx(tmp, "train", 300, 28, 28, 1);
        writeIdx(tmp, "t10k", 50, 28, 28, 2);
        FashionMnist a = FashionMnist.load(tmp, 60, 7);
        FashionMnist b = FashionMnist.load(tmp, 60, 7);
        assertThat(a.train().size()).isEqualTo(240);
        assertThat(a.validation().size()).isEqualTo(60);
        assertThat(a.test().size()).isEqualTo(50);
        assertThat(a.validation().labels()).containsExactly(b.validation().labels());
        // label of image i is i % 10 and its first pixel i % 256: train + validation hold every image once
        int[] seen = new int[300];
        for (ImageSet s : new ImageSet[] {a.train(), a.validation()}) {
            for (int i = 0; i < s.size(); i++) {
                int p0 = s.pixel(i, 0, 0);
                for (int id = p0; id < 300; id += 256) {
                    if (id % 10 == s.label(i)) {
                        seen[id]++;
                        break;
                    }
                }
            }
        }
        assertThat(seen).containsOnly(1);
        assertThat(a.test().label(13)).isEqualTo(3);
        INDArray f = a.test().features(0, 4);
        assertThat(f.shape()).containsExactly(4L, 1L, 28L, 28L);
        assertThat(f.getDouble(1, 0, 0, 0)).isCloseTo((1 / 255.0 - FashionMnist.MEAN) / FashionMnist.STD,
                org.assertj.core.data.Offset.offset(1e-5));
        INDArray y = a.test().oneHot(null, 0, 4);
        assertThat(y.getDouble(3, 3)).isEqualTo(1.0);
    }

    @Test
    void missingDataNamesTheDirectoryAndThePackage() {
        assertThatThrownBy(() -> FashionMnist.load(tmp.resolve("nowhere")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nowhere")
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
        assertThat(FashionMnist.isAvailable(tmp)).isFalse();
    }

    @Test
    void realFilesWhenInstalled() {
        Assumptions.assumeTrue(FashionMnist.isAvailable(null), "dataset-fashion-mnist not installed");
        FashionMnist d = FashionMnist.load(null);
        assertThat(d.train().size()).isEqualTo(55_000);
        assertThat(d.validation().size()).isEqualTo(5_000);
        assertThat(d.test().size()).isEqualTo(10_000);
        int[] counts = new int[10];
        for (int y : d.test().labels()) {
            counts[y]++;
        }
        assertThat(counts).containsOnly(1000);
    }
}
