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
    void badMagicIsRejected() {
        assertThatThrownBy(() -> Npy.read(fixture("bad_magic.npy"))).isInstanceOf(IOException.class)
                .hasMessageContaining("bad_magic.npy").hasMessageContaining("bad magic");
    }

    @Test
    void fortranOrderIsReadAsNumpyLoadsIt() throws IOException {
        // np.save('fortran.npy', np.asfortranarray(np.arange(6.).reshape(2, 3)))
        NpyArray a = Npy.read(fixture("fortran.npy"));
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.toDoubleArray()).containsExactly(0, 1, 2, 3, 4, 5);
        // np.asfortranarray(np.arange(24, dtype=float32).reshape(2, 3, 4)): C order after reading
        NpyArray b = Npy.read(fixture("fortran_3d_f4.npy"));
        assertThat(b.shape()).containsExactly(2, 3, 4);
        float[] expect = new float[24];
        for (int i = 0; i < 24; i++) expect[i] = i;
        assertThat(b.sharedFloats()).containsExactly(expect);
    }

    @Test
    void handBuiltFortranHeaderEqualsTheTransposeOfTheSameBytesInCOrder() throws IOException {
        // Data of t (4 x 3) in C order is the data of t.T (3 x 4) in Fortran order.
        double[] t = new double[12];
        for (int i = 0; i < 12; i++) t[i] = i * 1.5 - 4;
        byte[] c = toBytes(NpyArray.ofDoubles(t, 4, 3));
        String s = new String(c, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("'fortran_order': False, 'shape': (4, 3)", "'fortran_order': True , 'shape': (3, 4)");
        NpyArray f = Npy.read(new ByteArrayInputStream(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)), "f");
        NpyArray cOrder = Npy.read(new ByteArrayInputStream(c), "c");
        assertThat(f.shape()).containsExactly(3, 4);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) assertThat(f.getDouble(i * 4 + j)).isEqualTo(cOrder.getDouble(j * 3 + i));
        }
    }

    @Test
    void headerClaimingMoreThanTheFileHoldsIsRefusedBeforeAllocating() throws IOException {
        // 928 bytes claiming (20000, 20000) float64: 3.2 GB. Must be a clean IOException, not an OutOfMemoryError.
        StringBuilder h = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (20000, 20000), }");
        while (10 + h.length() + 1 < 128) h.append(' ');
        h.append('\n');
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(Npy.MAGIC);
        b.write(new byte[] {1, 0, (byte) h.length(), 0});
        b.write(h.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        b.write(new byte[928 - b.size()]);
        Path f = tmp.resolve("bomb.npy");
        Files.write(f, b.toByteArray());
        assertThat(Files.size(f)).isEqualTo(928);
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(IOException.class)
                .isNotInstanceOf(HeapLimitException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("(20000, 20000)".replace("(", "[").replace(")", "]"))
                .hasMessageContaining("3200000000 data bytes").hasMessageContaining("only 800");
    }

    @Test
    void streamOfUnknownLengthClaimingMoreThanTheHeapIsAHeapLimitError() throws IOException {
        NpyArray small = NpyArray.ofDoubles(new double[] {1, 2}, 2);
        String s = new String(toBytes(small), java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("'shape': (2,)", "'shape': (2000000000,)");
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)), "big"))
                .isInstanceOf(HeapLimitException.class).hasMessageContaining("big").hasMessageContaining("-Xmx");
    }

    @Test
    void readsEveryIntegerWidthIncludingUnsigned() throws IOException {
        assertThat(Npy.read(fixture("i2.npy")).toLongArray()).containsExactly(-32768, 0, 32767);
        assertThat(Npy.read(fixture("u2.npy")).toLongArray()).containsExactly(0, 65535, 7);
        assertThat(Npy.read(fixture("u2_be.npy")).toLongArray()).containsExactly(1, 65534);
        assertThat(Npy.read(fixture("u4.npy")).toLongArray()).containsExactly(0, 4294967295L, 9);
        assertThat(Npy.read(fixture("u8.npy")).toLongArray()).containsExactly(0, Long.MAX_VALUE, 3);
        assertThat(Npy.read(fixture("u4.npy")).getDouble(1)).isEqualTo(4294967295.0);
        assertThat(Npy.read(fixture("u8_huge.npy")).getDouble(1)).isEqualTo(18446744073709551615.0);
        assertThatThrownBy(() -> Npy.read(fixture("u8_huge.npy")).toLongArray())
                .isInstanceOf(ArithmeticException.class).hasMessageContaining("18446744073709551615");
        assertThat(Npy.read(fixture("u2.npy")).isInteger()).isTrue();
        for (String name : new String[] {"i2.npy", "u2.npy", "u4.npy", "u8_huge.npy"}) {
            NpyArray a = Npy.read(fixture(name));
            Path o = tmp.resolve(name);
            Npy.write(o, a);
            assertThat(Npy.read(o)).as(name).isEqualTo(a);
            assertThat(Npy.read(o).dtype()).isEqualTo(a.dtype());
        }
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
