package org.eennrc.experiments.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eennrc.models.SettingsJson;
import org.eennrc.risk.io.AtomicFiles;
import org.eennrc.risk.provenance.FileDigest;

/** Small helpers for the provenance of input files (the hashing is {@link FileDigest}'s). */
public final class Files2 {
    private Files2() {}

    public static String sha256(Path file) throws IOException {
        return FileDigest.sha256(file);
    }

    public static String sha256(String text) {
        return FileDigest.sha256(text);
    }

    /**
     * The text whose SHA-256 names a model cache folder: a header naming the pipeline and its version, then the
     * canonical JSON ({@link SettingsJson#canonical}) of the settings that decide the trained model. Two configs with
     * the same settings give the same text however they are written; any changed setting changes it.
     */
    public static String settingsText(String header, Map<String, Object> settings) {
        return header + "\n" + SettingsJson.canonical(settings) + "\n";
    }

    /** {path, bytes, sha256} of an input file (or {path, error} when it cannot be read). */
    public static Map<String, Object> describe(Path file) {
        FileDigest d = FileDigest.of("input", file);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", d.path());
        if (d.error() != null) {
            m.put("error", d.error());
        } else {
            m.put("bytes", d.bytes());
            m.put("sha256", d.sha256());
        }
        return m;
    }

    /**
     * Creates a model cache folder and writes {@code config-hash.txt} into it (atomically): the text whose SHA-256
     * names the folder, so that a cached model can be traced to the settings it was trained with.
     */
    static void createCacheDir(Path dir, String hashText) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("config-hash.txt"), out -> out.write(hashText.getBytes(StandardCharsets.UTF_8)));
    }
}
