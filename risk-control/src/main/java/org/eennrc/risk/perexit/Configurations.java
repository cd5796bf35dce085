package org.eennrc.risk.perexit;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The finite configuration set Λ of method.md §7, fixed before any data are seen: M vectors of per-exit thresholds
 * λ = (λ_1, …, λ_{L−1}), each taken from one per-exit grid of values in [0, 1].
 *
 * <ul>
 *   <li>{@link #product}: every combination, when |grid|^(L−1) is small enough;</li>
 *   <li>{@link #sample}: otherwise a seeded quasi-random sample (a Halton sequence with a seeded random shift, mapped to
 *       grid values) of M distinct combinations, plus the shared-λ diagonal (λ, …, λ) for every grid value, so the
 *       family always contains the policies of one shared threshold.</li>
 * </ul>
 *
 * Immutable; the thresholds are stored row-major (M, L − 1).
 */
public final class Configurations {
    /** The default largest family: a product grid up to this size, else a sample of this many. */
    public static final int DEFAULT_MAX = 10_000;

    private final int numExits;
    private final double[] thresholds;
    private final String description;

    private Configurations(int numExits, double[] thresholds, String description) {
        this.numExits = numExits;
        this.thresholds = thresholds;
        this.description = description;
    }

    /**
     * The product grid when it has at most {@code max} configurations, else {@link #sample} of {@code max}.
     *
     * @param grid per-exit threshold values in [0, 1] (sorted and de-duplicated here)
     */
    public static Configurations of(double[] grid, int numExits, int max, long seed) {
        double[] g = checkGrid(grid);
        if (max < 1) throw new IllegalArgumentException("the number of configurations must be >= 1, got " + max);
        double size = Math.pow(g.length, numExits - 1);
        return size <= max ? product(g, numExits) : sample(g, numExits, max, seed);
    }

    /** Every combination of the grid's values over the L − 1 thresholds. */
    public static Configurations product(double[] grid, int numExits) {
        double[] g = checkGrid(grid);
        int d = dims(numExits);
        double size = Math.pow(g.length, d);
        if (size > 50_000_000) {
            throw new IllegalArgumentException("the product grid has " + g.length + "^" + d + " = " + (long) size
                    + " configurations; use a sample of M configurations (--configurations M)");
        }
        int m = (int) size;
        double[] t = new double[m * d];
        int[] idx = new int[d];
        for (int c = 0; c < m; c++) {
            for (int l = 0; l < d; l++) t[c * d + l] = g[idx[l]];
            for (int l = d - 1; l >= 0; l--) { // odometer, last threshold fastest
                if (++idx[l] < g.length) break;
                idx[l] = 0;
            }
        }
        return new Configurations(numExits, t, String.format(Locale.ROOT, "product(%s)^%d", values(g), d));
    }

    /**
     * A seeded quasi-random sample of {@code m} distinct combinations plus the shared-λ diagonal (which may repeat a
     * sampled one; it is then kept once). Point j of a Halton sequence (bases 2, 3, 5, …) is shifted by a seeded
     * uniform vector modulo 1 and mapped to grid index ⌊u · |grid|⌋ per threshold; duplicates are skipped.
     */
    public static Configurations sample(double[] grid, int numExits, int m, long seed) {
        double[] g = checkGrid(grid);
        int d = dims(numExits);
        if (m < 1) throw new IllegalArgumentException("the number of configurations must be >= 1, got " + m);
        double size = Math.pow(g.length, d);
        if (m >= size) return product(g, numExits);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] shift = new double[d];
        for (int l = 0; l < d; l++) shift[l] = rng.nextDouble();
        int[] bases = primes(d);
        Set<String> seen = new HashSet<>();
        double[] t = new double[(m + g.length) * d];
        int count = 0;
        int[] idx = new int[d];
        for (int v = 0; v < g.length; v++) { // the diagonal first
            Arrays.fill(idx, v);
            if (seen.add(Arrays.toString(idx))) count = put(t, count, idx, g);
        }
        int sampled = 0;
        for (long j = 1; sampled < m; j++) {
            for (int l = 0; l < d; l++) {
                double u = halton(j, bases[l]) + shift[l];
                if (u >= 1) u -= 1;
                idx[l] = Math.min(g.length - 1, (int) (u * g.length));
            }
            if (seen.add(Arrays.toString(idx))) {
                count = put(t, count, idx, g);
                sampled++;
            }
        }
        return new Configurations(numExits, Arrays.copyOf(t, count * d), String.format(Locale.ROOT,
                "halton(m=%d, seed=%d) of %s^%d plus the diagonal", m, seed, values(g), d));
    }

    /** Explicit configurations, {@code thresholds[m]} of length L − 1 each, values in [0, 1]. */
    public static Configurations of(double[][] thresholds, int numExits) {
        int d = dims(numExits);
        if (thresholds.length == 0) throw new IllegalArgumentException("no configurations given");
        double[] t = new double[thresholds.length * d];
        for (int c = 0; c < thresholds.length; c++) {
            if (thresholds[c].length != d) {
                throw new IllegalArgumentException("configuration " + c + " has " + thresholds[c].length
                        + " thresholds, expected L - 1 = " + d);
            }
            for (int l = 0; l < d; l++) {
                double v = thresholds[c][l];
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("threshold " + l + " of configuration " + c + " is " + v
                            + "; thresholds must be in [0, 1]");
                }
                t[c * d + l] = v;
            }
        }
        return new Configurations(numExits, t, "explicit(" + thresholds.length + ")");
    }

    private static int put(double[] t, int count, int[] idx, double[] g) {
        int d = idx.length;
        for (int l = 0; l < d; l++) t[count * d + l] = g[idx[l]];
        return count + 1;
    }

    /** The radical inverse of j in base b. */
    static double halton(long j, int b) {
        double f = 1;
        double r = 0;
        while (j > 0) {
            f /= b;
            r += f * (j % b);
            j /= b;
        }
        return r;
    }

    private static int[] primes(int d) {
        int[] p = new int[d];
        int c = 0;
        for (int x = 2; c < d; x++) {
            boolean prime = true;
            for (int q = 2; q * q <= x; q++) {
                if (x % q == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) p[c++] = x;
        }
        return p;
    }

    private static int dims(int numExits) {
        if (numExits < 2) throw new IllegalArgumentException("per-exit thresholds need at least 2 exits, got " + numExits);
        return numExits - 1;
    }

    private static double[] checkGrid(double[] grid) {
        if (grid == null || grid.length == 0) throw new IllegalArgumentException("the per-exit grid is empty");
        for (double v : grid) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("per-exit grid value " + v + " is outside [0, 1]");
            }
        }
        return Arrays.stream(grid).sorted().distinct().toArray();
    }

    private static String values(double[] g) {
        StringBuilder sb = new StringBuilder("values(");
        for (int i = 0; i < g.length; i++) sb.append(i == 0 ? "" : ", ").append(g[i]);
        return sb.append(')').toString();
    }

    /** M. */
    public int size() {
        return thresholds.length / (numExits - 1);
    }

    public int numExits() {
        return numExits;
    }

    /** The thresholds of configuration m (a copy, length L − 1). */
    public double[] thresholds(int m) {
        int d = numExits - 1;
        return Arrays.copyOfRange(thresholds, m * d, (m + 1) * d);
    }

    /** λ_l of configuration m. */
    public double threshold(int m, int exit) {
        return thresholds[m * (numExits - 1) + exit];
    }

    /** What the family is, for certificates: e.g. {@code product(values(0.0, 0.5, 1.0))^3}. */
    public String description() {
        return description;
    }

    /** Row-major thresholds, not copied: for the loops of {@link ConfigurationStats}. */
    double[] array() {
        return thresholds;
    }

    @Override
    public String toString() {
        return "Configurations[M=" + size() + ", L=" + numExits + ", " + description + "]";
    }
}
