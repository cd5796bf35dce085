package org.eennrc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        String commit = git("rev-parse", "HEAD");
        if (commit != null && commit.matches("[0-9a-f]{40}")) {
            o.put("git_commit", commit);
            String status = git("status", "--porcelain", "--untracked-files=no");
            if (status != null) o.put("git_dirty", !status.isBlank());
        } else {
            o.putNull("git_commit");
        }
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

    /** Output of a git command in the working directory, or null if git is missing or fails. */
    private static String git(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "git";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
