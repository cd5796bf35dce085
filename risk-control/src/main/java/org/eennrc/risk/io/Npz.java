package org.eennrc.risk.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reader and writer for NumPy {@code .npz} archives ({@code np.savez} and {@code np.savez_compressed}): a zip
 * file with one {@code name.npy} entry per array, stored or deflated.
 *
 * <p>{@link #read(Path)} returns every array by name (without the {@code .npy} suffix) in archive order;
 * {@link #open(Path)} lists the names and reads only the arrays asked for, so an entry the caller does not use
 * (a string array, float16 metadata) is never parsed. A truncated or corrupt archive gives an
 * {@link IOException} that names the file and, where it applies, the entry.
 *
 * <p>Sizes in the archive are not trusted: an entry's uncompressed size must be reachable from its compressed
 * size (deflate expands at most about 1032:1), and the array header must not claim more bytes than the entry
 * declares. The reader then inflates exactly the bytes of the header and of the claimed shape, so it never
 * inflates more than the declared size, and a small archive claiming gigabytes (a zip bomb) is an error naming
 * the entry, never an allocation.
 */
public final class Npz {
    /** Deflate's maximum expansion is 1032:1 (RFC 1951 blocks of 258-byte matches); with slack for headers. */
    static final long MAX_DEFLATE_RATIO = 1100;

    private Npz() {}

    /** Reads every array of an {@code .npz} file. */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        try (Archive a = open(file)) {
            Map<String, NpyArray> out = new LinkedHashMap<>();
            for (String key : a.keys()) out.put(key, a.read(key));
            return Collections.unmodifiableMap(out);
        }
    }

    /** Opens an archive to list its arrays and read some of them; close it when done. */
    public static Archive open(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such .npz file");
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(file + ": not a readable .npz (zip) archive, corrupt or truncated ("
                    + e.getMessage() + ")", e);
        }
        Map<String, ZipEntry> entries = new LinkedHashMap<>();
        try {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                if (e.isDirectory()) continue;
                String entry = e.getName();
                entries.put(entry.endsWith(".npy") ? entry.substring(0, entry.length() - 4) : entry, e);
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            zip.close();
            throw new IOException(file + ": corrupt .npz archive (" + e.getMessage() + ")", e);
        }
        if (entries.isEmpty()) {
            zip.close();
            throw new IOException(file + ": .npz archive holds no arrays");
        }
        return new Archive(file, zip, entries);
    }

    /** An open {@code .npz} archive: the array names, and each array read on demand. */
    public static final class Archive implements AutoCloseable {
        private final Path file;
        private final ZipFile zip;
        private final Map<String, ZipEntry> entries;

        private Archive(Path file, ZipFile zip, Map<String, ZipEntry> entries) {
            this.file = file;
            this.zip = zip;
            this.entries = entries;
        }

        /** The array names (entry names without {@code .npy}), in archive order. */
        public Set<String> keys() {
            return Collections.unmodifiableSet(entries.keySet());
        }

        public boolean contains(String key) {
            return entries.containsKey(key);
        }

        /**
         * Reads one array.
         *
         * @throws IllegalArgumentException if the archive has no such array
         * @throws IOException naming the file and the entry: corrupt data, an unsupported dtype, or sizes that do
         *     not add up
         */
        public NpyArray read(String key) throws IOException {
            ZipEntry e = entries.get(key);
            if (e == null) throw new IllegalArgumentException(file + " has no array '" + key + "'; keys: " + keys());
            String where = file + "!" + e.getName();
            long size = e.getSize();
            long compressed = e.getCompressedSize();
            if (size >= 0 && compressed >= 0) {
                long limit = e.getMethod() == ZipEntry.STORED ? compressed : compressed * MAX_DEFLATE_RATIO + 1024;
                if (size > limit) {
                    throw new IOException(where + ": the entry claims " + size + " bytes from " + compressed
                            + " compressed bytes, more than deflate can produce (corrupt archive or zip bomb)");
                }
            }
            try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
                return Npy.read(in, where, size);
            } catch (ZipException | java.io.EOFException ex) {
                throw new IOException(where + ": corrupt or truncated entry (" + ex.getMessage() + ")", ex);
            } catch (IllegalStateException | IllegalArgumentException ex) {
                throw new IOException(file + ": corrupt .npz archive (" + ex.getMessage() + ")", ex);
            }
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /**
     * Writes arrays atomically (temporary file in the same folder, then an atomic move). The bytes depend only on the
     * arrays (entries are dated at the zip epoch, 1980-01-01), so equal arrays give files with equal SHA-256.
     *
     * @param compressed true for deflated entries (like {@code np.savez_compressed}), false for stored entries
     *     (like {@code np.savez})
     */
    public static void write(Path file, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        AtomicFiles.write(file, out -> write(out, arrays, compressed));
    }

    private static final java.time.LocalDateTime ZIP_EPOCH = java.time.LocalDateTime.of(1980, 1, 1, 0, 0);

    /** Writes the archive to a stream (finishes the zip, does not close the stream). */
    public static void write(OutputStream os, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(os);
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("array name must not be empty");
            ZipEntry ze = new ZipEntry(name + ".npy");
            // a fixed time (the zip epoch) instead of now: the same arrays give the same bytes, hence the same SHA-256
            ze.setTimeLocal(ZIP_EPOCH);
            if (compressed) {
                ze.setMethod(ZipEntry.DEFLATED);
            } else {
                // Stored entries need size and CRC up front: compute them in a first pass without buffering.
                CountingCrc probe = new CountingCrc();
                Npy.write(probe, e.getValue());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(probe.count);
                ze.setCompressedSize(probe.count);
                ze.setCrc(probe.crc.getValue());
            }
            zip.putNextEntry(ze);
            Npy.write(zip, e.getValue());
            zip.closeEntry();
        }
        zip.finish();
    }

    private static final class CountingCrc extends OutputStream {
        final CRC32 crc = new CRC32();
        long count;

        @Override
        public void write(int b) {
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            count += len;
        }
    }

}
