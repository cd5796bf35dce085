package org.eennrc.core;

import org.eennrc.risk.LambdaGrid;

/**
 * The exit l̂(x_i; λ_k) of every sample i at every grid index k (0-based exits), as one {@code short[K * N]}
 * (10 MB for K = 101, N = 50,000).
 *
 * <p><b>Why breakpoints:</b> with m_l = max_{j<=l} c_j (non-decreasing in l), the exit at λ is
 * min{ l : m_l > λ } (method.md §1). On a decreasing grid, exit l is admissible from the first index
 * k_l = min{ k : λ_k < m_l } onwards, and k_l is non-increasing in l, so the exit of sample i is a step
 * function of k with at most L steps. {@link #build} finds the k_l by binary search (O(N L log K)) and then
 * writes the table row by row, moving each sample's pointer down past the breakpoints it crosses: O(N (L + K))
 * in total, and no λ loop recomputes an exit.
 */
public final class ExitTable {
    private final LambdaGrid grid;
    private final int n;
    private final int l;
    private final short[] exits;

    private ExitTable(LambdaGrid grid, int n, int l, short[] exits) {
        this.grid = grid;
        this.n = n;
        this.l = l;
        this.exits = exits;
    }

    /**
     * Builds the table.
     *
     * @param confidences row-major (n, l), each in [0, 1] (NaN rejected)
     * @param numExits L (at most 32767)
     */
    public static ExitTable build(double[] confidences, int numExits, LambdaGrid grid) {
        if (numExits < 1 || numExits > Short.MAX_VALUE) {
            throw new IllegalArgumentException("number of exits must be in [1, 32767], got " + numExits);
        }
        if (confidences.length % numExits != 0) {
            throw new IllegalArgumentException(confidences.length + " confidences do not split into " + numExits
                    + " exits per sample");
        }
        int n = confidences.length / numExits;
        int kk = grid.size();
        if ((long) kk * n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("K * N = " + ((long) kk * n) + " is too large for one exit table");
        }
        double[] lambdas = grid.values();
        // firstK[i * L + l] = min{ k : λ_k < m_l }, K if none; the last exit is always admissible (0).
        int[] firstK = new int[n * numExits];
        for (int i = 0; i < n; i++) {
            double m = Double.NEGATIVE_INFINITY;
            int off = i * numExits;
            for (int e = 0; e < numExits - 1; e++) {
                double c = confidences[off + e];
                if (Double.isNaN(c)) {
                    throw new IllegalArgumentException("confidence of sample " + i + " at exit " + e + " is NaN");
                }
                if (c > m) m = c;
                firstK[off + e] = firstBelow(lambdas, m);
            }
            firstK[off + numExits - 1] = 0;
        }
        short[] exits = new short[kk * n];
        short[] cur = new short[n];
        java.util.Arrays.fill(cur, (short) (numExits - 1));
        for (int k = 0; k < kk; k++) {
            int row = k * n;
            for (int i = 0; i < n; i++) {
                int e = cur[i];
                int off = i * numExits;
                while (e > 0 && firstK[off + e - 1] <= k) e--;
                cur[i] = (short) e;
                exits[row + i] = (short) e;
            }
        }
        return new ExitTable(grid, n, numExits, exits);
    }

    /** Smallest k with lambdas[k] < m on a strictly decreasing array; lambdas.length if none. */
    private static int firstBelow(double[] lambdas, double m) {
        int lo = 0;
        int hi = lambdas.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (lambdas[mid] < m) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    public LambdaGrid grid() {
        return grid;
    }

    public int numLambdas() {
        return grid.size();
    }

    public int numSamples() {
        return n;
    }

    public int numExits() {
        return l;
    }

    /** The 0-based exit of sample i at grid index k. */
    public int exit(int k, int i) {
        return exits[k * n + i];
    }

    /** The exits of all samples at grid index k (a copy). */
    public int[] exitsAt(int k) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = exits[k * n + i];
        return out;
    }

    /** Gathers {@code perExit[i * L + exit(k, i)]} into a K × N matrix (the loss matrix rows). */
    public double[][] gather(double[] perExit) {
        if (perExit.length != n * l) {
            throw new IllegalArgumentException("per-exit values have length " + perExit.length + ", expected N * L = "
                    + (n * l));
        }
        int kk = grid.size();
        double[][] rows = new double[kk][n];
        for (int k = 0; k < kk; k++) {
            double[] r = rows[k];
            int base = k * n;
            for (int i = 0; i < n; i++) r[i] = perExit[i * l + exits[base + i]];
        }
        return rows;
    }
}
