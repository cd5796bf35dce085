package org.eennrc.risk;

import java.util.function.IntToDoubleFunction;

/**
 * A family-wise error procedure for Learn then Test (SPEC §4): given the p-values of the hypotheses
 * H_0, H_1, … (in grid order, index 0 = full model) it decides which to reject at level δ.
 * Plug in a new one by binding it by name; the controller {@code ltt-<name>} then exists.
 */
public interface FwerProcedure {

    String name();

    /**
     * The largest grid index whose hypothesis is rejected, or −1 if none is.
     *
     * @param pValues p-value of hypothesis k; computed lazily, so sequential procedures that stop early
     *     (fixed-sequence testing) do not pay for the rest of the grid
     */
    int lastRejected(IntToDoubleFunction pValues, int numHypotheses, double delta);
}
