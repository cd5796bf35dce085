package org.eennrc.experiments.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers for provenance of input files. */
public final class Files2 {
    private Files2() {}

    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {path, bytes, sha256} of an input file. */
    public static Map<String, Object> describe(Path file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", file.toString());
        try {
            m.put("bytes", Files.size(file));
            m.put("sha256", sha256(file));
        } catch (IOException e) {
            m.put("error", e.toString());
        }
        return m;
    }
}
