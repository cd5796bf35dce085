package org.eennrc.risk.io;

import java.io.IOException;
import java.util.Locale;

/**
 * An input is well formed but larger than the heap the JVM may use ({@code -Xmx}). Raised before allocating, so
 * the program can say what to do ({@link #ADVICE}) instead of dying with an {@link OutOfMemoryError}; the CLI
 * reports it like an {@code OutOfMemoryError} (exit code 3), because the input is fine and the limit is the JVM's.
 */
public final class HeapLimitException extends IOException {
    /** What a user can do about it; shared with the CLI's {@code OutOfMemoryError} message. */
    public static final String ADVICE = "give the JVM more heap, e.g. JAVA_OPTS=\"-Xmx4g\" (or java -Xmx4g ...)";

    public HeapLimitException(String message) {
        super(message);
    }

    /** Throws when {@code bytes} exceed the JVM's maximum heap. */
    static void require(long bytes, String what) throws HeapLimitException {
        long max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && bytes > max) {
            throw new HeapLimitException(what + " needs " + gib(bytes) + " of heap but the JVM may use at most "
                    + gib(max) + "; " + ADVICE);
        }
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
