package org.eennrc.risk;

/**
 * The losses of one threshold on a calibration set, after any transformation, with their declared upper
 * bound: the input of an {@link UpperBound} or a {@link PValue}. Sum and mean are computed once because
 * the binomial-type statistics need nothing else.
 *
 * <p>{@link #sum()} and {@link #mean()} are exact sums; {@link #ceilCount()} gives ⌈n R̂⌉ with the
 * tolerance that method.md §4 asks for (in floating point 0.07·100 = 7.000000000000001).
 */
public final class BoundedSample {
    private final double[] values;
    private final double bound;
    private final double sum;

    /** Values are not copied: callers hand over ownership. */
    public BoundedSample(double[] values, double bound) {
        if (values.length == 0) throw new IllegalArgumentException("empty sample");
        this.values = values;
        this.bound = bound;
        double s = 0;
        for (double v : values) s += v;
        this.sum = s;
    }

    /** The losses of row k of a matrix, transformed by {@code t}, with the matrix's upper bound. */
    public static BoundedSample of(LossMatrix losses, int k, LossTransform t) {
        return of(losses.rowView(k), t, losses.upperBound());
    }

    /** The losses of one threshold transformed by {@code t} (copied). */
    public static BoundedSample of(double[] row, LossTransform t, double bound) {
        double[] v = new double[row.length];
        if (t.isIdentity()) {
            System.arraycopy(row, 0, v, 0, row.length);
            return new BoundedSample(v, bound);
        }
        for (int i = 0; i < row.length; i++) v[i] = t.apply(row[i]);
        return new BoundedSample(v, bound / t.scale());
    }

    public int n() {
        return values.length;
    }

    /** The i-th value in calibration order. */
    public double get(int i) {
        return values[i];
    }

    /** Upper bound of every value (1 after clip-and-scale). */
    public double bound() {
        return bound;
    }

    public double sum() {
        return sum;
    }

    public double mean() {
        return sum / values.length;
    }

    /** ⌈n R̂⌉ = ⌈Σ x_i − 1e-9⌉, clamped to [0, n]. */
    public int ceilCount() {
        int c = (int) Math.ceil(sum - 1e-9);
        return Math.max(0, Math.min(values.length, c));
    }
}
