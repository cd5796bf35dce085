package org.eennrc.risk.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsFloat32FromNumpy() throws IOException {
        NpyArray a = Npy.read(fixture("f4.npy"));
        assertThat(a.dtype()).isEqualTo("<f4");
        assertThat(a.shape()).containsExactly(4);
        assertThat(a.sharedFloats()).containsExactly(1.5f, -2.25f, 3.0e-3f, 0.0f);
        assertThat(a.toDoubleArray()[1]).isEqualTo(-2.25);
    }

    @Test
    void readsFloat64Matrix() throws IOException {
        NpyArray a = Npy.read(fixture("f8_2d.npy"));
        assertThat(a.shape()).containsExactly(3, 4);
        double[][] m = a.toDoubleMatrix();
        assertThat(m[2][3]).isEqualTo(11 / 8.0);
        assertThat(m[1][0]).isEqualTo(4 / 8.0);
    }

    @Test
    void readsIntegersAndBools() throws IOException {
        assertThat(Npy.read(fixture("i8.npy")).toLongArray()).containsExactly(-3, 0, 7, 1L << 40);
        assertThat(Npy.read(fixture("bool.npy")).toIntArray()).containsExactly(1, 0, 1);
        assertThat(Npy.read(fixture("bool.npy")).dtype()).isEqualTo("|b1");
        assertThat(Npy.read(fixture("u1.npy")).toIntArray()).containsExactly(0, 200, 255);
        assertThat(Npy.read(fixture("i1.npy")).toIntArray()).containsExactly(-128, 0, 127);
    }

    @Test
    void readsBigEndian() throws IOException {
        assertThat(Npy.read(fixture("i4_be.npy")).toIntArray()).containsExactly(1, -2, 300000);
        assertThat(Npy.read(fixture("f8_be.npy")).toDoubleArray()).containsExactly(0.1, -1e300);
    }

    @Test
    void readsVersions2And3AndScalars() throws IOException {
        assertThat(Npy.read(fixture("v2.npy")).toDoubleArray()).containsExactly(1.0, 2.0);
        NpyArray v3 = Npy.read(fixture("v3.npy"));
        assertThat(v3.shape()).containsExactly(2, 2);
        assertThat(v3.toIntArray()).containsExactly(1, 2, 3, 4);
        NpyArray s = Npy.read(fixture("scalar.npy"));
        assertThat(s.ndim()).isZero();
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.getDouble(0)).isEqualTo(2.5);
    }

    @Test
    void truncatedFileNamesFileAndProblem() {
        Path f = fixture("truncated.npy");
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated")
                .hasMessageContaining("96 data bytes");
    }

    @Test
    void badMagicAndFortranOrderAreRejected() {
        assertThatThrownBy(() -> Npy.read(fixture("bad_magic.npy"))).isInstanceOf(IOException.class)
                .hasMessageContaining("bad_magic.npy").hasMessageContaining("bad magic");
        assertThatThrownBy(() -> Npy.read(fixture("fortran.npy"))).isInstanceOf(IOException.class)
                .hasMessageContaining("Fortran");
    }

    @Test
    void missingFileNamesPath() {
        Path f = tmp.resolve("nope.npy");
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("nope.npy");
    }

    @Test
    void unparsableHeaderIsReported() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(Npy.MAGIC);
        b.write(new byte[] {1, 0, 10, 0});
        b.write("garbage!!\n".getBytes());
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(b.toByteArray()), "x.npy"))
                .isInstanceOf(IOException.class).hasMessageContaining("x.npy").hasMessageContaining("header");
    }

    @Test
    void unsupportedDtypeIsReported() throws IOException {
        NpyArray a = NpyArray.ofDoubles(new double[] {1}, 1);
        byte[] bytes = toBytes(a);
        String s = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).replace("<f8", "<c8");
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)), "c.npy"))
                .isInstanceOf(IOException.class).hasMessageContaining("unsupported dtype '<c8'");
    }

    @Test
    void roundTripsEveryDtype() throws IOException {
        NpyArray[] arrays = {
            NpyArray.ofDoubles(new double[] {1, -2.5, Double.MIN_VALUE, 1e300, 5, 6}, 2, 3),
            NpyArray.ofFloats(new float[] {1f, -0.5f, 3e-7f}, 3),
            NpyArray.ofLongs(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 3, 1),
            NpyArray.ofInts(new int[] {Integer.MIN_VALUE, 7}, 2),
            NpyArray.ofBytes(new byte[] {-128, 127}, 2),
            NpyArray.ofUnsignedBytes(new byte[] {(byte) 255, 1}, 2),
            NpyArray.ofBooleans(new boolean[] {true, false, false, true}, 2, 2),
            NpyArray.ofDoubles(new double[] {3.25}),
            NpyArray.ofFloats(new float[0], 0, 5),
        };
        for (NpyArray a : arrays) {
            NpyArray back = Npy.read(new ByteArrayInputStream(toBytes(a)), "mem");
            assertThat(back).as(a.toString()).isEqualTo(a);
            assertThat(back.shape()).isEqualTo(a.shape());
            Path f = tmp.resolve("a.npy");
            Npy.write(f, a);
            assertThat(Npy.read(f)).isEqualTo(a);
        }
    }

    @Test
    void headerIsAlignedTo64Bytes() {
        for (int dims = 1; dims < 6; dims++) {
            int[] shape = new int[dims];
            Arrays.fill(shape, 1);
            byte[] h = Npy.header(NpyArray.ofDoubles(new double[] {0}, shape));
            assertThat(h.length % 64).isZero();
            assertThat(h[h.length - 1]).isEqualTo((byte) '\n');
        }
    }

    @Test
    void largeArrayCrossesChunkBoundaries() throws IOException {
        float[] data = new float[100_003];
        for (int i = 0; i < data.length; i++) data[i] = i * 0.5f;
        NpyArray a = NpyArray.ofFloats(data, 100_003);
        Path f = tmp.resolve("big.npy");
        Npy.write(f, a);
        assertThat(Npy.read(f).sharedFloats()).isEqualTo(data);
    }

    @Test
    void atomicWriteLeavesNoTempFiles() throws IOException {
        Path f = tmp.resolve("sub/x.npy");
        Npy.write(f, NpyArray.ofInts(new int[] {1}, 1));
        Npy.write(f, NpyArray.ofInts(new int[] {2}, 1));
        assertThat(Npy.read(f).toIntArray()).containsExactly(2);
        try (var s = Files.list(f.getParent())) {
            assertThat(s).containsExactly(f);
        }
    }

    @Test
    void conversionsAndChecks() {
        NpyArray f = NpyArray.ofDoubles(new double[] {1.5}, 1);
        assertThatThrownBy(f::toIntArray).isInstanceOf(IllegalStateException.class).hasMessageContaining("<f8");
        assertThatThrownBy(f::sharedFloats).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> NpyArray.ofDoubles(new double[] {1, 2}, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 3 elements");
        assertThat(NpyArray.ofInts(new int[] {1, 2, 3, 4}, 4).reshape(2, 2).toDoubleMatrix()[1])
                .containsExactly(3, 4);
    }

    static byte[] toBytes(NpyArray a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, a);
        return out.toByteArray();
    }
}
