package org.eennrc.risk;

import java.util.Arrays;

/**
 * Per-sample losses on a threshold grid: {@code loss(k, i)} is the loss of sample {@code i} when the
 * exit threshold is λ_k (method.md §4, ℓ[k][i]). Row 0 is the safe end of the grid (λ = 1, the full model),
 * larger indices exit earlier.
 *
 * <p>The matrix also carries the declared range of the loss, [{@link #lowerBound()}, {@link #upperBound()}]
 * (B in method.md §2): CRC's correction term and every concentration bound depend on B, so a loss above its
 * declared bound would silently void the guarantee. The factory methods therefore reject it, together with
 * NaN/Inf and ragged rows.
 *
 * <p>Immutable. Rows are stored as one contiguous array per λ because every controller scans rows.
 */
public final class LossMatrix {
    private final double[][] rows;
    private final double lowerBound;
    private final double upperBound;
    private final double[] rowSums;

    private LossMatrix(double[][] rows, double lowerBound, double upperBound) {
        this.rows = rows;
        this.lowerBound = lowerBound;
        this.upperBound = upperBound;
        this.rowSums = new double[rows.length];
        for (int k = 0; k < rows.length; k++) {
            double s = 0;
            for (double v : rows[k]) s += v;
            rowSums[k] = s;
        }
    }

    /** Losses in [-B, B] (gap losses may be negative). The array is copied. */
    public static LossMatrix of(double[][] losses, double upperBound) {
        return of(losses, -upperBound, upperBound);
    }

    /**
     * Validates and copies {@code losses[k][i]}.
     *
     * @throws IllegalArgumentException naming the first offending entry: NaN/Inf, a value outside the
     *     declared range, rows of different lengths, or no rows/samples at all.
     */
    public static LossMatrix of(double[][] losses, double lowerBound, double upperBound) {
        if (!(upperBound > 0) || !Double.isFinite(upperBound)) {
            throw new IllegalArgumentException("loss upper bound B must be finite and > 0, got " + upperBound);
        }
        if (!(lowerBound <= 0) || !Double.isFinite(lowerBound)) {
            throw new IllegalArgumentException("loss lower bound must be finite and <= 0, got " + lowerBound);
        }
        if (losses == null || losses.length == 0) {
            throw new IllegalArgumentException("loss matrix has no rows (no thresholds)");
        }
        int n = losses[0] == null ? 0 : losses[0].length;
        if (n == 0) throw new IllegalArgumentException("loss matrix has no samples (row 0 is empty)");
        double[][] copy = new double[losses.length][];
        for (int k = 0; k < losses.length; k++) {
            double[] row = losses[k];
            if (row == null || row.length != n) {
                throw new IllegalArgumentException("rows of different lengths: row 0 has " + n
                        + " samples but row " + k + " has " + (row == null ? 0 : row.length));
            }
            for (int i = 0; i < n; i++) {
                double v = row[i];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("loss[" + k + "][" + i + "] is " + v + " (NaN or Inf)");
                }
                if (v > upperBound + 1e-12) {
                    throw new IllegalArgumentException("loss[" + k + "][" + i + "] = " + v
                            + " is above the declared upper bound B = " + upperBound);
                }
                if (v < lowerBound - 1e-12) {
                    throw new IllegalArgumentException("loss[" + k + "][" + i + "] = " + v
                            + " is below the declared lower bound " + lowerBound);
                }
            }
            copy[k] = row.clone();
        }
        return new LossMatrix(copy, lowerBound, upperBound);
    }

    /** Wraps already-validated rows without copying (rows must not be modified afterwards). */
    static LossMatrix trusted(double[][] rows, double lowerBound, double upperBound) {
        return new LossMatrix(rows, lowerBound, upperBound);
    }

    public int numLambdas() {
        return rows.length;
    }

    public int numSamples() {
        return rows[0].length;
    }

    public double upperBound() {
        return upperBound;
    }

    public double lowerBound() {
        return lowerBound;
    }

    public double get(int k, int i) {
        return rows[k][i];
    }

    /** A copy of row k (the losses of all samples at λ_k). */
    public double[] row(int k) {
        return rows[k].clone();
    }

    /** Row k without copying; callers must not modify it. */
    double[] rowView(int k) {
        return rows[k];
    }

    /** Sum of row k. */
    public double rowSum(int k) {
        return rowSums[k];
    }

    /** Empirical risk R̂(k) = mean_i ℓ[k][i]. */
    public double mean(int k) {
        return rowSums[k] / numSamples();
    }

    /** The empirical risk curve R̂(k) for every k. */
    public double[] means() {
        double[] m = new double[rows.length];
        for (int k = 0; k < m.length; k++) m[k] = mean(k);
        return m;
    }

    /**
     * The sub-matrix of the given samples, in the given order. Order matters for sequential bounds
     * (WSR), which read the calibration losses in the order they were drawn.
     */
    public LossMatrix columns(int[] sampleIndices) {
        int n = numSamples();
        double[][] out = new double[rows.length][sampleIndices.length];
        for (int j = 0; j < sampleIndices.length; j++) {
            int c = sampleIndices[j];
            if (c < 0 || c >= n) throw new IndexOutOfBoundsException("sample " + c + " of " + n);
        }
        for (int k = 0; k < rows.length; k++) {
            double[] src = rows[k];
            double[] dst = out[k];
            for (int j = 0; j < sampleIndices.length; j++) dst[j] = src[sampleIndices[j]];
        }
        return new LossMatrix(out, lowerBound, upperBound);
    }

    /** A new matrix with a different declared range (validates again). */
    public LossMatrix withBounds(double lower, double upper) {
        return of(rows, lower, upper);
    }

    @Override
    public String toString() {
        return "LossMatrix[" + numLambdas() + " thresholds x " + numSamples() + " samples, range ["
                + lowerBound + ", " + upperBound + "], R̂ = " + Arrays.toString(Arrays.copyOf(means(), Math.min(5, rows.length))) + "...]";
    }
}
