package org.eennrc.risk.perexit;

import org.eennrc.risk.Guarantee;

/**
 * Picks one configuration of per-exit thresholds from a finite family (method.md §7), the per-exit counterpart of
 * {@link org.eennrc.risk.RiskController}: {@link #prepare} does the ε-independent work once per calibration set,
 * {@link Calibration#select} answers one ε. Implementations are stateless and thread-safe; a prepared calibration
 * is used by one thread.
 */
public interface PerExitController {

    /** The name used by the CLI and by configs, e.g. {@code pareto-ltt}. */
    String name();

    Guarantee guarantee();

    /**
     * @param calibration the per-exit tables of the calibration samples
     * @param configurations the family Λ, fixed before the data were seen
     * @param delta the error level δ in (0, 1)
     */
    Calibration prepare(ExitTables calibration, Configurations configurations, double delta);

    /** A calibration set with its ε-independent work done. */
    interface Calibration {
        /** The chosen configuration's index, or −1 when nothing is certified (the full model is used). */
        int selectIndex(double epsilon);

        /**
         * How far along its tested sequence the controller got: the number of positions up to the last rejected one
         * (0 when nothing is certified). The protocol's {@code mean_index}.
         */
        default int selectPosition(double epsilon) {
            return select(epsilon).rejected();
        }

        /** The full result, with the statistics along the tested path. */
        PerExitResult select(double epsilon);
    }
}
