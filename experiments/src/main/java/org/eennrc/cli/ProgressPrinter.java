package org.eennrc.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.eennrc.risk.protocol.ProgressListener;

/**
 * Trial progress on stderr with rate and time left, but only for runs that take more than about a second, and
 * at most about once a second. Thread-safe: the protocol calls it from worker threads.
 */
final class ProgressPrinter implements ProgressListener {
    private static final long FIRST_NANOS = 1_000_000_000L;
    private static final long EVERY_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final String label;
    private long lastPrinted = -1;
    private boolean printed;

    ProgressPrinter(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public synchronized void trialsDone(int done, int total, long elapsedNanos) {
        if (elapsedNanos < FIRST_NANOS) return;
        boolean last = done == total;
        if (!last && lastPrinted >= 0 && elapsedNanos - lastPrinted < EVERY_NANOS) return;
        if (last && !printed && elapsedNanos < FIRST_NANOS) return;
        lastPrinted = elapsedNanos;
        printed = true;
        double secs = elapsedNanos / 1e9;
        double rate = done / secs;
        double eta = rate > 0 ? (total - done) / rate : Double.NaN;
        err.println(String.format(Locale.ROOT, "%s: %d/%d trials (%.0f%%), %.1f trials/s, %s", label, done, total,
                100.0 * done / total, rate, last ? String.format(Locale.ROOT, "done in %.1f s", secs)
                        : String.format(Locale.ROOT, "ETA %.0f s", eta)));
        err.flush();
    }
}
