package org.eennrc.risk;

import java.util.Arrays;

/**
 * The threshold grid Λ = {λ_0 > λ_1 > … > λ_K} of method.md §1. Index 0 is the safe end (λ = 1, full model);
 * larger indices exit earlier. The default is 1.00, 0.99, …, 0.00 (101 values).
 */
public final class LambdaGrid {
    private final double[] lambdas;

    private LambdaGrid(double[] lambdas) {
        this.lambdas = lambdas;
    }

    /** 1.00, 0.99, …, 0.00: index k is λ = 1 − k/100. */
    public static LambdaGrid standard() {
        return uniform(101);
    }

    /** {@code size} evenly spaced values from 1 down to 0 (both included). */
    public static LambdaGrid uniform(int size) {
        if (size < 2) throw new IllegalArgumentException("a uniform grid needs at least 2 values, got " + size);
        double[] l = new double[size];
        for (int k = 0; k < size; k++) l[k] = 1.0 - (double) k / (size - 1);
        l[size - 1] = 0.0;
        return new LambdaGrid(l);
    }

    /** An explicit grid; must be finite and strictly decreasing. */
    public static LambdaGrid of(double... lambdas) {
        if (lambdas.length == 0) throw new IllegalArgumentException("threshold grid is empty");
        for (int k = 0; k < lambdas.length; k++) {
            if (!Double.isFinite(lambdas[k])) {
                throw new IllegalArgumentException("threshold grid value " + k + " is " + lambdas[k]);
            }
            if (k > 0 && !(lambdas[k] < lambdas[k - 1])) {
                throw new IllegalArgumentException("threshold grid must be strictly decreasing (λ_0 = full model),"
                        + " but λ_" + (k - 1) + " = " + lambdas[k - 1] + " and λ_" + k + " = " + lambdas[k]);
            }
        }
        return new LambdaGrid(lambdas.clone());
    }

    public int size() {
        return lambdas.length;
    }

    public double lambda(int k) {
        return lambdas[k];
    }

    public double[] values() {
        return lambdas.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LambdaGrid g && Arrays.equals(lambdas, g.lambdas);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(lambdas);
    }

    @Override
    public String toString() {
        return "LambdaGrid[" + lambdas[0] + " .. " + lambdas[lambdas.length - 1] + ", " + lambdas.length + " values]";
    }
}
