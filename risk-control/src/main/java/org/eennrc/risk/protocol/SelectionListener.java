package org.eennrc.risk.protocol;

/**
 * Told every threshold the protocol selects (method.md §5), so that a caller can evaluate more at it than the test
 * risk and cost, e.g. the permutation baselines of method.md §6. Called from the trial's thread (trials run in
 * parallel): an implementation must be thread-safe; writing to slots indexed by (trial, controller, ε) is.
 */
@FunctionalInterface
public interface SelectionListener {

    /** Ignores every selection. */
    SelectionListener NONE = (trial, controller, epsilon, index, calibration) -> { };

    /**
     * @param trial the trial, 0-based
     * @param controller the controller's position in the list given to {@link Protocol#run}
     * @param epsilon the ε's position in the settings' ε grid
     * @param index the selected grid index k̂, or −1 when nothing was certified (the protocol then evaluates k = 0)
     * @param calibration the trial's calibration sample indices (shared; do not modify); the rest are the test samples
     */
    void selected(int trial, int controller, int epsilon, int index, int[] calibration);
}
