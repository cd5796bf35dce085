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
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reader and writer for NumPy {@code .npz} archives ({@code np.savez} and {@code np.savez_compressed}): a zip
 * file with one {@code name.npy} entry per array, stored or deflated.
 *
 * <p>The reader returns the arrays by name (without the {@code .npy} suffix) in archive order. A truncated or
 * corrupt archive gives an {@link IOException} that names the file and, where it applies, the entry.
 */
public final class Npz {
    private Npz() {}

    /** Reads every array of an {@code .npz} file. */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such .npz file");
        Map<String, NpyArray> out = new LinkedHashMap<>();
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(file + ": not a readable .npz (zip) archive, corrupt or truncated ("
                    + e.getMessage() + ")", e);
        }
        try (zip) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) continue;
                String entry = e.getName();
                String key = entry.endsWith(".npy") ? entry.substring(0, entry.length() - 4) : entry;
                String where = file + "!" + entry;
                try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
                    out.put(key, Npy.read(in, where));
                } catch (ZipException | java.io.EOFException ex) {
                    throw new IOException(where + ": corrupt or truncated entry (" + ex.getMessage() + ")", ex);
                }
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IOException(file + ": corrupt .npz archive (" + e.getMessage() + ")", e);
        }
        if (out.isEmpty()) throw new IOException(file + ": .npz archive holds no arrays");
        return Collections.unmodifiableMap(out);
    }

    /**
     * Writes arrays atomically (temporary file in the same folder, then an atomic move).
     *
     * @param compressed true for deflated entries (like {@code np.savez_compressed}), false for stored entries
     *     (like {@code np.savez})
     */
    public static void write(Path file, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        AtomicFiles.write(file, out -> write(out, arrays, compressed));
    }

    /** Writes the archive to a stream (finishes the zip, does not close the stream). */
    public static void write(OutputStream os, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(os);
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("array name must not be empty");
            ZipEntry ze = new ZipEntry(name + ".npy");
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
