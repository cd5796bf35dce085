package org.eennrc.experiments;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Provenance details about the libraries and the machine: library versions, CPU model, memory. Reads jar metadata
 * and {@code /proc/cpuinfo} only; it starts no process (the tool's own commit comes from
 * {@link org.eennrc.risk.provenance.BuildInfo}, written at build time).
 */
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
            if (v == null && l[0].equals("org.eennrc")) v = org.eennrc.risk.provenance.BuildInfo.current().version() + " (classes)";
            out.put(l[0] + ":" + l[1], v == null ? "unknown" : v);
        }
        return out;
    }

    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1 << 20));
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            m.put("physical_memory_mib", os.getTotalMemorySize() / (1 << 20));
        }
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
}
