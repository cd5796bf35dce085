package org.eennrc.risk;

import java.util.function.IntToDoubleFunction;

/**
 * A family-wise error procedure for Learn then Test (method.md §4): given the p-values of the hypotheses
 * H_0, H_1, … (in grid order, index 0 = full model) it decides which to reject at level δ.
 * Plug in a new one by binding it by name; the controller {@code ltt-<name>} then exists.
 */
public interface FwerProcedure {

    String name();

    /** The largest grid index whose hypothesis is rejected, or −1 if none is. */
    int lastRejected(Hypotheses hypotheses, double delta);

    /**
     * The p-values of one family, computed on demand. Procedures that only compare p-values with levels should
     * ask {@link #pValueAtMost}: the caller can often answer that without computing the p-value (for example,
     * when a p-value that decreases in ε was already below the level at a smaller ε), which is what makes a
     * whole ε grid cheap in the evaluation protocol.
     */
    interface Hypotheses {
        int size();

        double pValue(int k);

        default boolean pValueAtMost(int k, double level) {
            return pValue(k) <= level;
        }

        /** Hypotheses backed by a plain function. */
        static Hypotheses of(IntToDoubleFunction pValues, int size) {
            return new Hypotheses() {
                public int size() {
                    return size;
                }

                public double pValue(int k) {
                    return pValues.applyAsDouble(k);
                }
            };
        }
    }
}
