package org.eennrc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eennrc.experiments.Machine;

/** What produced a result folder: command line, inputs (with SHA-256), git commit, JVM, OS, times. */
final class Provenance {
    private Provenance() {}

    static ObjectNode base(String command, List<String> args) {
        ObjectNode o = Json.object();
        o.put("tool", "eenn");
        o.put("command", command);
        ArrayNode a = o.putArray("args");
        args.forEach(a::add);
        o.put("working_directory", Path.of("").toAbsolutePath().toString());
        Map<String, Object> git = Machine.git(Path.of("").toAbsolutePath());
        o.putPOJO("git_commit", git.get("commit"));
        if (git.containsKey("dirty")) o.put("git_dirty", (Boolean) git.get("dirty"));
        o.put("java_version", System.getProperty("java.version"));
        o.put("java_vendor", System.getProperty("java.vendor"));
        o.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        o.put("available_processors", Runtime.getRuntime().availableProcessors());
        return o;
    }

    static ObjectNode input(String role, Path file) {
        ObjectNode o = Json.object();
        o.put("role", role);
        o.put("path", file.toString());
        try {
            o.put("bytes", Files.size(file));
            o.put("sha256", sha256(file));
        } catch (IOException e) {
            o.putNull("sha256");
        }
        return o;
    }

    static String timestamp(Instant t) {
        return t.toString();
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
