package org.eennrc.risk;

/**
 * A super-uniform p-value for the null hypothesis H: R(λ) > ε, from the losses of one threshold clipped and
 * scaled to [0, 1] (Learn then Test, method.md §4). Plug in a new one by binding it by name.
 */
public interface PValue {

    String name();

    /**
     * @param sample losses of one threshold in [0, 1] (already clipped and scaled)
     * @param epsilon the tolerance in the same units (ε / B)
     */
    double pValue(BoundedSample sample, double epsilon);

    /**
     * True if the p-value never increases with ε (a larger tolerance is easier to certify). LTT then reuses
     * what it learnt at one ε for the next, so a whole ε grid costs about one scan of the λ grid.
     */
    default boolean decreasingInEpsilon() {
        return false;
    }
}
