package org.eennrc.risk.perexit;

import java.util.Arrays;

/**
 * What per-exit thresholds are calibrated from (method.md §7): for each of N samples and L exits, the loss the sample
 * would have if it left at that exit and the exit's confidence, plus the cumulative cost of leaving at each exit. The
 * loss and confidence are evaluated once per (sample, exit); every configuration of thresholds only chooses which exit
 * answers, so its losses and costs are gathered from these tables in O(N · L), never by running the model again.
 *
 * <p>Any task that can say "the loss of sample i at exit l" fits: classification outputs (built by eenn-core from a
 * risk and a confidence measure) and dense tasks with one loss and one confidence per image alike. Immutable; the
 * arrays are copied.
 */
public final class ExitTables {
    private final int n;
    private final int numExits;
    private final double[] losses;
    private final double[] confidences;
    private final double[] costs;
    private final double lowerBound;
    private final double upperBound;

    private ExitTables(int n, int numExits, double[] losses, double[] confidences, double[] costs, double lowerBound,
            double upperBound) {
        this.n = n;
        this.numExits = numExits;
        this.losses = losses;
        this.confidences = confidences;
        this.costs = costs;
        this.lowerBound = lowerBound;
        this.upperBound = upperBound;
    }

    /**
     * Validates and copies the tables.
     *
     * @param losses row-major (N, L): {@code losses[i * L + l]}, the loss of sample i at exit l, in [lower, upper]
     * @param confidences row-major (N, L), each in [0, 1] (the last exit's is never read but must still be valid)
     * @param costs length L: the cumulative cost of leaving at exit l (FLOPs, or l + 1), finite, ≥ 0, the last > 0
     * @throws IllegalArgumentException naming the first offending value or the mismatched length
     */
    public static ExitTables of(int numExits, double[] losses, double[] confidences, double[] costs,
            double lowerBound, double upperBound) {
        if (numExits < 1) throw new IllegalArgumentException("number of exits must be >= 1, got " + numExits);
        if (!(upperBound > 0) || !Double.isFinite(upperBound)) {
            throw new IllegalArgumentException("loss upper bound B must be finite and > 0, got " + upperBound);
        }
        if (!(lowerBound <= 0) || !Double.isFinite(lowerBound)) {
            throw new IllegalArgumentException("loss lower bound must be finite and <= 0, got " + lowerBound);
        }
        if (losses.length == 0 || losses.length % numExits != 0) {
            throw new IllegalArgumentException("per-exit loss table has " + losses.length + " values, not a positive "
                    + "multiple of L = " + numExits);
        }
        if (confidences.length != losses.length) {
            throw new IllegalArgumentException("confidence table has " + confidences.length + " values but the loss "
                    + "table has " + losses.length + " (both are N x L)");
        }
        if (costs.length != numExits) {
            throw new IllegalArgumentException("cost per exit has " + costs.length + " values, expected L = " + numExits);
        }
        for (int l = 0; l < numExits; l++) {
            if (!Double.isFinite(costs[l]) || costs[l] < 0) {
                throw new IllegalArgumentException("cost of exit " + l + " is " + costs[l] + " (must be finite, >= 0)");
            }
        }
        if (!(costs[numExits - 1] > 0)) throw new IllegalArgumentException("cost of the last exit must be > 0");
        double tol = 1e-12;
        for (int r = 0; r < losses.length; r++) {
            double v = losses[r];
            if (!Double.isFinite(v) || v > upperBound + tol || v < lowerBound - tol) {
                throw new IllegalArgumentException("loss of sample " + (r / numExits) + " at exit " + (r % numExits)
                        + " is " + v + ", outside the declared range [" + lowerBound + ", " + upperBound + "]");
            }
            double c = confidences[r];
            if (!(c >= 0 && c <= 1)) {
                throw new IllegalArgumentException("confidence of sample " + (r / numExits) + " at exit "
                        + (r % numExits) + " is " + c + "; confidences must be in [0, 1]");
            }
        }
        return new ExitTables(losses.length / numExits, numExits, losses.clone(), confidences.clone(), costs.clone(),
                lowerBound, upperBound);
    }

    /** The tables of the given samples, in the given order (a calibration draw). */
    public ExitTables subset(int[] samples) {
        int l = numExits;
        double[] lo = new double[samples.length * l];
        double[] co = new double[samples.length * l];
        for (int j = 0; j < samples.length; j++) {
            int i = samples[j];
            if (i < 0 || i >= n) throw new IndexOutOfBoundsException("sample " + i + " of " + n);
            System.arraycopy(losses, i * l, lo, j * l, l);
            System.arraycopy(confidences, i * l, co, j * l, l);
        }
        return new ExitTables(samples.length, l, lo, co, costs, lowerBound, upperBound);
    }

    /**
     * The same tables with every loss clipped at zero, max(x, 0): the losses the p-values of method.md §4 test
     * (before scaling by B). Pareto Testing orders its path by these, so that the safest configuration on D_opt is
     * the one most likely to pass on D_test (a gap loss's negative values would otherwise rank a configuration as
     * safe that the clipped test cannot certify).
     */
    public ExitTables clippedAtZero() {
        if (lowerBound >= 0) return this;
        double[] lo = losses.clone();
        for (int r = 0; r < lo.length; r++) lo[r] = Math.max(0, lo[r]);
        return new ExitTables(n, numExits, lo, confidences, costs, 0, upperBound);
    }

    public int numSamples() {
        return n;
    }

    public int numExits() {
        return numExits;
    }

    public double lowerBound() {
        return lowerBound;
    }

    /** B, the largest possible loss. */
    public double upperBound() {
        return upperBound;
    }

    public double loss(int sample, int exit) {
        return losses[sample * numExits + exit];
    }

    public double confidence(int sample, int exit) {
        return confidences[sample * numExits + exit];
    }

    /** A copy of the cumulative cost per exit. */
    public double[] costs() {
        return costs.clone();
    }

    public double cost(int exit) {
        return costs[exit];
    }

    /** The cost of the full model: every sample at the last exit. */
    public double fullCost() {
        return costs[numExits - 1];
    }

    /**
     * The exit rule of method.md §7: the first exit l < L − 1 with c_l(x) > λ_l, else the last exit. Strict, so
     * λ_l = 1 never lets exit l answer.
     *
     * @param thresholds {@code thresholds[off .. off + L − 2]}
     */
    public int exit(int sample, double[] thresholds, int off) {
        int base = sample * numExits;
        for (int l = 0; l < numExits - 1; l++) {
            if (confidences[base + l] > thresholds[off + l]) return l;
        }
        return numExits - 1;
    }

    /** Package access for the O(M · N · L) loops of {@link ConfigurationStats}. */
    double[] lossArray() {
        return losses;
    }

    double[] confidenceArray() {
        return confidences;
    }

    @Override
    public String toString() {
        return "ExitTables[N=" + n + ", L=" + numExits + ", range=[" + lowerBound + ", " + upperBound + "], costs="
                + Arrays.toString(costs) + "]";
    }
}
