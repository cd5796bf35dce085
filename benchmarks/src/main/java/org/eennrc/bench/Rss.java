package org.eennrc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident-set size of this process from /proc (Linux); -1 elsewhere. */
final class Rss {
    private Rss() {
    }

    /** Peak RSS (VmHWM) in MiB. */
    static double peakMiB() {
        return field("VmHWM:");
    }

    /** CPU time of the whole process (all threads, native ones included), nanoseconds; -1 if unavailable. */
    static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** Current RSS (VmRSS) in MiB. */
    static double currentMiB() {
        return field("VmRSS:");
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
