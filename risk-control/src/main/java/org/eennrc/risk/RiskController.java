package org.eennrc.risk;

/**
 * Picks the most aggressive threshold index that still carries a guarantee (method.md §3–§4).
 *
 * <p>The work is split in two so that the per-λ statistics of one calibration set (the empirical
 * risks, the upper confidence bounds, ...) are computed once and reused for a whole grid of tolerances ε:
 * {@link #prepare} does the ε-independent work and {@link Calibration#select} answers one ε. The evaluation
 * protocol (method.md §5) relies on this.
 *
 * <p>Implementations must be stateless and thread-safe: the protocol calls one instance from several
 * threads. A user plugs in a new controller by binding it by name in a Guice module (see
 * {@code org.eennrc.risk.inject.RiskControlModule#controllers}), under the key {@link #name()} returns, usually in a
 * plug-in jar ({@code org.eennrc.risk.inject.EennPlugin}).
 */
public interface RiskController {

    /** The name used by the CLI and by configs (e.g. {@code crc}, {@code ucb-wsr}). */
    String name();

    /** The kind of guarantee this controller gives. */
    Guarantee guarantee();

    /**
     * Does the ε-independent work for one calibration set.
     *
     * @param calibration losses ℓ[k][i], samples in the order they were drawn
     * @param delta the error level δ of high-probability controllers, in (0, 1); ignored by others
     */
    Calibration prepare(LossMatrix calibration, double delta);

    /** Convenience: {@code prepare(calibration, delta).select(epsilon)}. */
    default CalibrationResult calibrate(LossMatrix calibration, double epsilon, double delta) {
        return prepare(calibration, delta).select(epsilon);
    }

    /** A calibration set with its statistics computed; answers any ε. */
    interface Calibration {
        /**
         * Only the chosen index k̂, or −1 when nothing is certified (the caller then uses the full model,
         * index 0). The fast path of the evaluation protocol: no diagnostics are computed.
         */
        int selectIndex(double epsilon);

        /** The full result, with the per-λ statistic for diagnostics. */
        CalibrationResult select(double epsilon);
    }
}
