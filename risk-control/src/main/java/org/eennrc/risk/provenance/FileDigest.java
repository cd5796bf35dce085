package org.eennrc.risk.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A file a result depended on (an input, a plug-in jar), with its size and SHA-256, so that a result can be traced
 * to the exact bytes that produced it.
 *
 * @param role what the file was used for, e.g. {@code outputs}, {@code efficiency}, {@code plugin}
 * @param path the path as given (absolute for plug-ins)
 * @param bytes the size, −1 for a folder or an unreadable file
 * @param sha256 the lower-case hex SHA-256 of the content; null for a folder (classes on a class path) or when the
 *     file could not be read (then {@code error} says why)
 * @param error null, or why the file could not be hashed
 */
public record FileDigest(String role, String path, long bytes, String sha256, String error) {

    public FileDigest {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(path, "path");
    }

    /**
     * Hashes a file. A folder gets no hash (its content is not one blob); a file that cannot be read is recorded
     * with the error rather than failing the run that is being described.
     */
    public static FileDigest of(String role, Path file) {
        if (Files.isDirectory(file)) return new FileDigest(role, file.toString(), -1, null, null);
        try {
            return new FileDigest(role, file.toString(), Files.size(file), sha256(file), null);
        } catch (IOException e) {
            return new FileDigest(role, file.toString(), -1, null, e.toString());
        }
    }

    /** The lower-case hex SHA-256 of a file's content. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The lower-case hex SHA-256 of a text's UTF-8 bytes (config hashes, cache keys). */
    public static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The record as a JSON-ready map: role, path, bytes, sha256 (and error when there is one). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("path", path);
        m.put("bytes", bytes);
        m.put("sha256", sha256);
        if (error != null) m.put("error", error);
        return m;
    }
}
