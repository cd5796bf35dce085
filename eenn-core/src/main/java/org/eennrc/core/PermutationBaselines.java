package org.eennrc.core;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The permutation baselines of method.md §6 at one threshold: what the test risk and cost would be if the exits the
 * confidence chose were handed out without looking at the images. If the real exits do much better than these at
 * about the same cost, the confidence ranking is what makes early exit work.
 *
 * <ul>
 *   <li><b>random</b>: each sample draws its exit independently from the empirical distribution of the real exits
 *       (the same expected cost);</li>
 *   <li><b>permuted</b>: the real exits shuffled across the samples (exactly the same exit histogram and cost);</li>
 *   <li><b>constant</b>: every sample at the one exit whose cost is closest to the real mean cost (the later exit on a
 *       tie).</li>
 * </ul>
 *
 * Risk is the mean per-exit loss over the samples, cost the mean cumulative cost of their exits. The random draws come
 * from a {@link SplittableRandom} of the given seed.
 *
 * @param realRisk mean loss at the real exits
 * @param realCost mean cost at the real exits
 * @param constantExit the 0-based exit of the constant baseline
 */
public record PermutationBaselines(double realRisk, double realCost, double randomRisk, double randomCost,
                                   double permutedRisk, double permutedCost, double constantRisk,
                                   double constantCost, int constantExit) {

    /**
     * The baselines over the given samples.
     *
     * @param samples the samples to evaluate (e.g. a test split), indices into the rows of {@code perExitLoss}
     * @param exits the real 0-based exit of each of those samples (same length as {@code samples})
     * @param perExitLoss the loss of every (sample, exit), row-major [n * L + l] ({@link Risk#perExitLosses} or a
     *     {@link LossTable})
     * @param costPerExit the cumulative cost of answering at each exit (length L)
     * @throws IllegalArgumentException on mismatched lengths or an exit outside [0, L)
     */
    public static PermutationBaselines of(int[] samples, int[] exits, double[] perExitLoss, double[] costPerExit,
                                          long seed) {
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(exits, "exits");
        Objects.requireNonNull(perExitLoss, "perExitLoss");
        Objects.requireNonNull(costPerExit, "costPerExit");
        int m = samples.length;
        int l = costPerExit.length;
        if (m == 0) throw new IllegalArgumentException("permutation baselines need at least one sample");
        if (exits.length != m) {
            throw new IllegalArgumentException(exits.length + " exits for " + m + " samples");
        }
        if (l == 0 || perExitLoss.length % l != 0) {
            throw new IllegalArgumentException(perExitLoss.length + " per-exit losses do not split into L = " + l
                    + " exits");
        }
        int n = perExitLoss.length / l;
        long[] hist = new long[l];
        double realRisk = 0;
        double realCost = 0;
        for (int j = 0; j < m; j++) {
            int s = samples[j];
            int e = exits[j];
            if (s < 0 || s >= n) throw new IllegalArgumentException("sample " + s + " outside [0, " + n + ")");
            if (e < 0 || e >= l) throw new IllegalArgumentException("exit " + e + " outside [0, " + l + ")");
            hist[e]++;
            realRisk += perExitLoss[s * l + e];
            realCost += costPerExit[e];
        }
        realRisk /= m;
        realCost /= m;

        SplittableRandom rng = new SplittableRandom(seed);
        // random: i.i.d. draws from the exit histogram
        double randomRisk = 0;
        double randomCost = 0;
        for (int j = 0; j < m; j++) {
            long u = rng.nextLong(m);
            int e = 0;
            while (u >= hist[e]) u -= hist[e++];
            randomRisk += perExitLoss[samples[j] * l + e];
            randomCost += costPerExit[e];
        }
        // permuted: a Fisher–Yates shuffle of the real exits
        int[] perm = exits.clone();
        for (int j = m - 1; j > 0; j--) {
            int k = rng.nextInt(j + 1);
            int t = perm[j];
            perm[j] = perm[k];
            perm[k] = t;
        }
        double permutedRisk = 0;
        double permutedCost = 0;
        for (int j = 0; j < m; j++) {
            permutedRisk += perExitLoss[samples[j] * l + perm[j]];
            permutedCost += costPerExit[perm[j]];
        }
        // constant: the exit whose cost is closest to the real mean cost (the later one on a tie)
        int best = l - 1;
        for (int e = l - 1; e >= 0; e--) {
            if (Math.abs(costPerExit[e] - realCost) < Math.abs(costPerExit[best] - realCost)) best = e;
        }
        double constantRisk = 0;
        for (int s : samples) constantRisk += perExitLoss[s * l + best];
        return new PermutationBaselines(realRisk, realCost, randomRisk / m, randomCost / m, permutedRisk / m,
                permutedCost / m, constantRisk / m, costPerExit[best], best);
    }
}
