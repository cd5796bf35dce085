package org.eennrc.core;

/**
 * A per-sample loss that compares an exit's output with the full model's (method.md §2), so that λ = 1 (every sample
 * at the last exit) has zero loss by construction. A risk declares its range, because the controllers' guarantees
 * depend on the bound B (CRC's correction B/(n+1), the concentration bounds), and whether it needs labels.
 *
 * <p>Because the exit rule only selects which exit answers, the loss of sample n at threshold λ is
 * {@code loss(n, l̂(x_n; λ))}: a risk needs to be evaluated once per (sample, exit), never per λ. That is what
 * makes the O(N (L + K)) loss-matrix builder possible.
 *
 * <p>Implement {@link #loss} for a risk of your own; override {@link #perExitLosses} when a faster batch form
 * exists. Bind it under its {@link #name()} with {@link CoreModule#risks} in a plug-in module to use it by name.
 */
public interface Risk {

    /** Stable name used on the command line and in certificates, e.g. {@code prediction-gap}. */
    String name();

    /** The smallest possible loss (0 for consistency risks, −B for gap risks). */
    double lowerBound();

    /** B: the largest possible loss. */
    double upperBound();

    /** Whether the loss uses the true labels (gap risks) or only the model's own outputs (consistency risks). */
    boolean needsLabels();

    /** True when the loss looks at the whole distribution p̂, false when only at the prediction ŷ. */
    boolean aboutDistribution();

    /**
     * The loss of sample n when it exits at {@code exit} (0-based) instead of the last exit.
     * Zero when {@code exit} is the last exit.
     */
    double loss(ExitOutputs outputs, int sample, int exit);

    /**
     * The loss of every (sample, exit), row-major {@code [n * L + l]}, after {@link #requireLabels} and clamped
     * to [{@link #lowerBound()}, {@link #upperBound()}] to absorb float rounding.
     */
    default double[] perExitLosses(ExitOutputs outputs) {
        requireLabels(outputs);
        int n = outputs.numSamples();
        int l = outputs.numExits();
        double[] out = new double[n * l];
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < l; e++) out[i * l + e] = clamp(loss(outputs, i, e));
        }
        return out;
    }

    /** Clamps a value into the declared range. */
    default double clamp(double v) {
        return v < lowerBound() ? lowerBound() : (v > upperBound() ? upperBound() : v);
    }

    /** @throws IllegalArgumentException if this risk needs labels and the outputs have none */
    default void requireLabels(ExitOutputs outputs) {
        if (needsLabels() && !outputs.hasLabels()) {
            throw new IllegalArgumentException("risk '" + name() + "' needs labels, but the outputs have no 'labels'"
                    + " array; add labels or use a label-free risk (prediction-consistency, brier-consistency,"
                    + " hellinger-consistency)");
        }
    }
}
