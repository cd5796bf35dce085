package org.eennrc.risk.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.eennrc.risk.io.NpyTest.fixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {
    @TempDir Path tmp;

    @Test
    void readsNumpySavezAndSavezCompressed() throws IOException {
        for (String name : new String[] {"plain.npz", "compressed.npz"}) {
            Map<String, NpyArray> m = Npz.read(fixture(name));
            assertThat(m).containsOnlyKeys("a", "labels");
            assertThat(m.get("a").shape()).containsExactly(2, 3);
            assertThat(m.get("a").sharedFloats()).containsExactly(0, 1, 2, 3, 4, 5);
            assertThat(m.get("labels").toIntArray()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void truncatedArchiveNamesFile() {
        Path f = fixture("truncated.npz");
        assertThatThrownBy(() -> Npz.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated");
    }

    @Test
    void notAZipIsReported() throws IOException {
        Path f = tmp.resolve("junk.npz");
        Files.writeString(f, "not a zip at all");
        assertThatThrownBy(() -> Npz.read(f)).isInstanceOf(IOException.class).hasMessageContaining("junk.npz");
        assertThatThrownBy(() -> Npz.read(tmp.resolve("missing.npz"))).hasMessageContaining("missing.npz");
    }

    @Test
    void roundTripStoredAndDeflated() throws IOException {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("probs", NpyArray.ofFloats(new float[] {0.25f, 0.75f, 1f, 0f}, 1, 2, 2));
        m.put("labels", NpyArray.ofLongs(new long[] {1}, 1));
        m.put("flags", NpyArray.ofBooleans(new boolean[] {true}, 1));
        for (boolean compressed : new boolean[] {false, true}) {
            Path f = tmp.resolve("out" + compressed + ".npz");
            Npz.write(f, m, compressed);
            Map<String, NpyArray> back = Npz.read(f);
            assertThat(back).containsExactlyEntriesOf(m);
        }
    }

    /** Equal arrays give equal bytes: entries carry a fixed date, not the time of writing. */
    @Test
    void writtenBytesDependOnlyOnTheArrays() throws IOException {
        Map<String, NpyArray> m = Map.of("x", NpyArray.ofDoubles(new double[] {1, 2}, 2));
        Path f = tmp.resolve("a.npz");
        Npz.write(f, m, true);
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(f.toFile())) {
            assertThat(z.getEntry("x.npy").getTimeLocal()).isEqualTo(java.time.LocalDateTime.of(1980, 1, 1, 0, 0));
        }
        Path g = tmp.resolve("b.npz");
        Npz.write(g, m, true);
        assertThat(Files.readAllBytes(g)).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void corruptEntryNamesEntry() throws IOException {
        Map<String, NpyArray> m = Map.of("x", NpyArray.ofDoubles(new double[200], 200));
        Path f = tmp.resolve("c.npz");
        Npz.write(f, m, false);
        byte[] b = Files.readAllBytes(f);
        // overwrite the npy magic inside the stored entry
        for (int i = 0; i + 6 < b.length; i++) {
            if (b[i] == (byte) 0x93 && b[i + 1] == 'N') {
                b[i + 1] = 'X';
                break;
            }
        }
        Files.write(f, b);
        assertThatThrownBy(() -> Npz.read(f)).isInstanceOf(IOException.class).hasMessageContaining("c.npz!x.npy")
                .hasMessageContaining("bad magic");
    }

    @Test
    void openReadsOnlyTheArraysAskedForSoOtherKeysMayHoldAnything() throws IOException {
        // np.savez(probs=float32 (3,2,2), names=<U3 strings, half=float16, meta=object array)
        Path f = fixture("extra_keys.npz");
        try (Npz.Archive a = Npz.open(f)) {
            assertThat(a.keys()).containsExactly("probs", "names", "half", "meta");
            assertThat(a.read("probs").shape()).containsExactly(3, 2, 2);
            assertThatThrownBy(() -> a.read("names")).isInstanceOf(IOException.class)
                    .hasMessageContaining("extra_keys.npz!names.npy").hasMessageContaining("unsupported dtype");
            assertThatThrownBy(() -> a.read("nope")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nope");
        }
        assertThatThrownBy(() -> Npz.read(f)).isInstanceOf(IOException.class).hasMessageContaining("names.npy");
    }

    @Test
    void entryHeaderClaimingMoreThanTheEntryHoldsIsRefused() throws IOException {
        Path f = tmp.resolve("claim.npz");
        Npz.write(f, Map.of("x", NpyArray.ofDoubles(new double[200], 200)), false);
        byte[] b = Files.readAllBytes(f);
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace("(200,)", "(900,)");
        Files.write(f, s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        try (Npz.Archive a = Npz.open(f)) {
            assertThatThrownBy(() -> a.read("x")).isInstanceOf(IOException.class)
                    .hasMessageContaining("claim.npz!x.npy").hasMessageContaining("[900]")
                    .hasMessageContaining("7200 data bytes");
        }
    }

    @Test
    void entryClaimingMoreThanDeflateCanProduceIsAZipBomb() throws IOException {
        Path f = tmp.resolve("bomb.npz");
        Npz.write(f, Map.of("x", NpyArray.ofFloats(new float[1 << 20], 1 << 20)), true);
        byte[] b = Files.readAllBytes(f);
        // Patch the central directory's uncompressed size (offset 24 of the 0x02014b50 record) to 1.6 GB.
        int cen = -1;
        for (int i = b.length - 46; i >= 0; i--) {
            if (b[i] == 0x50 && b[i + 1] == 0x4b && b[i + 2] == 0x01 && b[i + 3] == 0x02) {
                cen = i;
                break;
            }
        }
        assertThat(cen).isPositive();
        java.nio.ByteBuffer.wrap(b, cen + 24, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(1_600_000_000);
        Files.write(f, b);
        try (Npz.Archive a = Npz.open(f)) {
            assertThatThrownBy(() -> a.read("x")).isInstanceOf(IOException.class)
                    .hasMessageContaining("bomb.npz!x.npy").hasMessageContaining("1600000000 bytes")
                    .hasMessageContaining("zip bomb");
        }
    }
}
