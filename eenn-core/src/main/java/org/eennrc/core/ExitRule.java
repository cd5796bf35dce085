package org.eennrc.core;

/**
 * The exit rule of method.md §1 with one threshold shared by all exits:
 *
 * <pre>  l̂(x; λ) = min{ l : c_l(x) > λ },  or the last exit if none passes   (strict ">")</pre>
 *
 * and of method.md §7 with one threshold per exit, l̂(x; λ) = min{ l < L : c_l(x) > λ_l }, of which the shared λ is
 * the special case λ_l = λ.
 *
 * <p>Strict ">" makes λ = 1 always mean the full model (no confidence exceeds 1), and the last exit always
 * answers. Exit indices are 0-based here ({@code L − 1} is the full model); reports add 1.
 */
public final class ExitRule {
    private ExitRule() {}

    /**
     * The exit taken by one sample.
     *
     * @param confidences row-major (n, l) confidences
     * @param sample the sample n
     * @param numExits L
     */
    public static int exit(double[] confidences, int sample, int numExits, double lambda) {
        int off = sample * numExits;
        for (int e = 0; e < numExits - 1; e++) {
            if (confidences[off + e] > lambda) return e;
        }
        return numExits - 1;
    }

    /** The exit of every sample at threshold λ. */
    public static int[] exits(double[] confidences, int numExits, double lambda) {
        int n = confidences.length / numExits;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = exit(confidences, i, numExits, lambda);
        return out;
    }

    /**
     * The exit taken by one sample with per-exit thresholds (method.md §7).
     *
     * @param thresholds λ_0 … λ_{L−2} (0-based exits), length L − 1
     */
    public static int exit(double[] confidences, int sample, int numExits, double[] thresholds) {
        int off = sample * numExits;
        for (int e = 0; e < numExits - 1; e++) {
            if (confidences[off + e] > thresholds[e]) return e;
        }
        return numExits - 1;
    }

    /** The exit of every sample with per-exit thresholds. */
    public static int[] exits(double[] confidences, int numExits, double[] thresholds) {
        if (thresholds.length != numExits - 1) {
            throw new IllegalArgumentException(thresholds.length + " thresholds given, expected L - 1 = " + (numExits - 1));
        }
        int n = confidences.length / numExits;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = exit(confidences, i, numExits, thresholds);
        return out;
    }
}
