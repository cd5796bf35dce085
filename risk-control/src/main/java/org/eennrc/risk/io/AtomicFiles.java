package org.eennrc.risk.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Atomic file writes: write a temporary file in the target's folder, then move it over the target with
 * {@code ATOMIC_MOVE}. A crash or an exception mid-write never leaves a half-written file behind, which matters
 * for cached outputs and saved policies that later runs read back without question.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** What writes the content. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code file} atomically; the parent folder is created if missing. A folder that cannot be created
     * or written gives an error naming {@code file}, not the temporary file.
     */
    public static void write(Path file, Writer writer) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp;
        try {
            if (dir != null) Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        } catch (java.nio.file.FileSystemException e) {
            String why = e.getReason() != null ? e.getReason()
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
            throw new IOException("cannot write " + file + ": " + why
                    + (e.getFile() != null && !e.getFile().contains(".tmp") ? " (" + e.getFile() + ")" : ""), e);
        }
        boolean ok = false;
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writer.writeTo(out);
            }
            readableByAll(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            ok = true;
        } finally {
            if (!ok) Files.deleteIfExists(tmp);
        }
    }

    /**
     * Temporary files are created owner-only (0600); results, outputs and policies are meant to be shared, so
     * the file gets the usual 0644 before it is moved into place.
     */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep its default permissions
        }
    }
}
