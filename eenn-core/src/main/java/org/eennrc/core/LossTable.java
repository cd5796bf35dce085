package org.eennrc.core;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A per-exit loss table: the loss of every (sample, exit), row-major {@code [n * L + l]}, with the range
 * [lower, upper] it declares (method.md §2, §6). It is how a task whose outputs are too large to ship (segmentation,
 * detection, depth) hands eenn-rc its losses: the loss of exit l on sample n is all a controller ever needs, because
 * the exit rule only selects which exit answers (method.md §1). The table is carried by {@link ExitOutputs} and read
 * by a {@link TableRisk} of the same name.
 *
 * <p>Losses are relative to the full model, so the last exit's column is 0 (within {@value #LAST_EXIT_TOLERANCE}),
 * as for every {@link Risk}: λ = 1 then has zero loss and the controllers can always fall back to it. The declared
 * bounds must satisfy lower ≤ 0 < upper (the controllers' requirement) and hold every value within
 * {@value #BOUND_TOLERANCE} (float rounding, which is then clamped away).
 *
 * <p>Immutable.
 */
public final class LossTable {
    /** Allowed |loss| at the last exit. */
    public static final double LAST_EXIT_TOLERANCE = 1e-6;
    /** Allowed excursion outside the declared bounds, clamped (float32 rounding of a value on the bound). */
    public static final double BOUND_TOLERANCE = 1e-6;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*");

    private final String name;
    private final double lower;
    private final double upper;
    private final int n;
    private final int l;
    private final double[] values;

    private LossTable(String name, double lower, double upper, int n, int l, double[] values) {
        this.name = name;
        this.lower = lower;
        this.upper = upper;
        this.n = n;
        this.l = l;
        this.values = values;
    }

    /**
     * Validates and copies a table.
     *
     * @param name the risk name: letters, digits, {@code .} and {@code -} (stored in an npz as {@code loss_<name>};
     *     {@code _} is not allowed so that {@code loss_<name>_bounds} is unambiguous)
     * @param values row-major (n, l), N * L values
     * @throws IllegalArgumentException naming the table and the first bad entry (NaN, out of bounds, non-zero last
     *     exit) or the bad bounds
     */
    public static LossTable of(String name, double lower, double upper, int numSamples, int numExits,
                               double[] values) {
        Objects.requireNonNull(values, "values");
        return ofOwned(name, lower, upper, numSamples, numExits, values.clone());
    }

    /** As {@link #of}, taking ownership of {@code values} (clamped in place). */
    static LossTable ofOwned(String name, double lower, double upper, int numSamples, int numExits, double[] values) {
        checkName(name);
        if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower <= 0) || !(upper > 0)) {
            throw new IllegalArgumentException("loss table '" + name + "' declares bounds [" + lower + ", " + upper
                    + "]; they must be finite with lower <= 0 < upper (losses are relative to the full model)");
        }
        if (numSamples < 1 || numExits < 1) {
            throw new IllegalArgumentException("loss table '" + name + "' needs N >= 1 and L >= 1, got N = "
                    + numSamples + ", L = " + numExits);
        }
        if (values.length != (long) numSamples * numExits) {
            throw new IllegalArgumentException("loss table '" + name + "' has " + values.length
                    + " values but N * L = " + numSamples + " * " + numExits + " = " + ((long) numSamples * numExits));
        }
        for (int r = 0; r < values.length; r++) {
            double v = values[r];
            int i = r / numExits;
            int e = r % numExits;
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("loss table '" + name + "': loss of sample " + i + " at exit " + e
                        + " is " + v + "; losses must be finite");
            }
            if (v < lower - BOUND_TOLERANCE || v > upper + BOUND_TOLERANCE) {
                throw new IllegalArgumentException("loss table '" + name + "': loss of sample " + i + " at exit " + e
                        + " is " + v + ", outside its declared bounds [" + lower + ", " + upper + "]");
            }
            if (e == numExits - 1 && Math.abs(v) > LAST_EXIT_TOLERANCE) {
                throw new IllegalArgumentException("loss table '" + name + "': loss of sample " + i
                        + " at the last exit " + e + " is " + v + ", not 0; losses are relative to the full model"
                        + " (the last exit), so its own loss is 0");
            }
            values[r] = v < lower ? lower : (v > upper ? upper : v);
        }
        return new LossTable(name, lower, upper, numSamples, numExits, values);
    }

    /** @throws IllegalArgumentException unless the name is a valid table name */
    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("loss table name '" + name + "' is not valid: use letters, digits,"
                    + " '.' and '-', starting with a letter or digit (e.g. 'miou-gap')");
        }
        return name;
    }

    public String name() {
        return name;
    }

    /** The smallest possible loss. */
    public double lowerBound() {
        return lower;
    }

    /** B, the largest possible loss. */
    public double upperBound() {
        return upper;
    }

    public int numSamples() {
        return n;
    }

    public int numExits() {
        return l;
    }

    /** The loss of sample n at exit l (0-based). */
    public double loss(int sample, int exit) {
        return values[sample * l + exit];
    }

    /** A copy of the values, row-major (n, l). */
    public double[] values() {
        return values.clone();
    }

    double[] valuesView() {
        return values;
    }

    /** The rows of the given samples, in the given order. */
    LossTable subset(int[] samples) {
        double[] v = new double[samples.length * l];
        for (int j = 0; j < samples.length; j++) System.arraycopy(values, samples[j] * l, v, j * l, l);
        return new LossTable(name, lower, upper, samples.length, l, v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LossTable t && t.name.equals(name) && t.lower == lower && t.upper == upper && t.n == n
                && t.l == l && Arrays.equals(t.values, values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, lower, upper, n, l, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "LossTable[" + name + ", [" + lower + ", " + upper + "], N=" + n + ", L=" + l + "]";
    }
}
