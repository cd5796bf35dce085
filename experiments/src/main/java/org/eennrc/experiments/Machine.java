package org.eennrc.experiments;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Provenance facts about the code and the machine: git commit, library versions, cores, memory, OS. */
public final class Machine {
    private Machine() {}

    /** Artifact → version, read from the jars' Maven metadata (null where a jar has none). */
    public static Map<String, String> libraries() {
        String[][] libs = {
            {"org.eennrc", "risk-control"}, {"org.eennrc", "eenn-core"}, {"org.eennrc", "eenn-models"},
            {"com.google.inject", "guice"}, {"com.fasterxml.jackson.core", "jackson-databind"},
            {"com.fasterxml.jackson.dataformat", "jackson-dataformat-yaml"}, {"org.jfree", "jfreechart"},
            {"org.apache.commons", "commons-math3"}, {"info.picocli", "picocli"},
            {"org.deeplearning4j", "deeplearning4j-nn"}, {"org.nd4j", "nd4j-api"}};
        Map<String, String> out = new LinkedHashMap<>();
        ClassLoader cl = Machine.class.getClassLoader();
        for (String[] l : libs) {
            String res = "META-INF/maven/" + l[0] + "/" + l[1] + "/pom.properties";
            String v = null;
            try (InputStream in = cl.getResourceAsStream(res)) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    v = p.getProperty("version");
                }
            } catch (IOException e) {
                v = null;
            }
            if (v == null && l[0].equals("org.eennrc")) v = "0.1.0-SNAPSHOT (classes)";
            out.put(l[0] + ":" + l[1], v == null ? "unknown" : v);
        }
        return out;
    }

    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1 << 20));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            m.put("physical_memory_mib", os.getTotalMemorySize() / (1 << 20));
        }
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** {commit, dirty} of the git work tree holding {@code dir}, or empty when git is unavailable. */
    public static Map<String, Object> git(Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        String commit = run(dir, "git", "rev-parse", "HEAD");
        if (commit != null && commit.matches("[0-9a-f]{40}")) {
            m.put("commit", commit);
            String status = run(dir, "git", "status", "--porcelain", "--untracked-files=no");
            if (status != null) m.put("dirty", !status.isBlank());
        } else {
            m.put("commit", null);
        }
        return m;
    }

    private static String run(Path dir, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
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
