package org.eennrc.risk.protocol;

/** Told how many trials are done, so long runs can show progress with a rate and time left. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total, elapsedNanos) -> {};

    /** Called from worker threads; implementations must be thread-safe and cheap. */
    void trialsDone(int done, int total, long elapsedNanos);
}
