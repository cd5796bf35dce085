package org.eennrc.core;

import org.eennrc.risk.LambdaGrid;

/**
 * What early exiting saves at every threshold λ_k (method.md §5): the exit of each sample, the mean exit layer
 * (1-based), the mean compute and the relative saving 1 − compute(λ)/compute(full model).
 *
 * <p>The compute of a sample that leaves at exit l is the cumulative {@code flops[l]} when the outputs carry
 * them; otherwise it is the 1-based exit index l + 1 (each exit costing one unit), so the saving becomes
 * 1 − mean exit layer / L.
 */
public final class Efficiency {
    private final ExitTable table;
    private final double[] cost;
    private final boolean fromFlops;
    private final double[] meanLayer;
    private final double[] meanCompute;

    private Efficiency(ExitTable table, double[] cost, boolean fromFlops) {
        this.table = table;
        this.cost = cost;
        this.fromFlops = fromFlops;
        int kk = table.numLambdas();
        int n = table.numSamples();
        int l = table.numExits();
        this.meanLayer = new double[kk];
        this.meanCompute = new double[kk];
        for (int k = 0; k < kk; k++) {
            long[] count = new long[l];
            for (int i = 0; i < n; i++) count[table.exit(k, i)]++;
            double layers = 0;
            double comp = 0;
            for (int e = 0; e < l; e++) {
                layers += (double) count[e] * (e + 1);
                comp += count[e] * cost[e];
            }
            meanLayer[k] = layers / n;
            meanCompute[k] = comp / n;
        }
    }

    /** Efficiency of an exit table, costing exits by the outputs' flops when present. */
    public static Efficiency of(ExitTable table, ExitOutputs outputs) {
        if (table.numExits() != outputs.numExits()) {
            throw new IllegalArgumentException("exit table has " + table.numExits() + " exits, outputs have "
                    + outputs.numExits());
        }
        double[] f = outputs.flops();
        return of(table, f);
    }

    /**
     * Efficiency of an exit table with explicit cumulative costs per exit (length L), or null to cost exit l
     * as l + 1.
     */
    public static Efficiency of(ExitTable table, double[] costPerExit) {
        int l = table.numExits();
        if (costPerExit == null) {
            double[] c = new double[l];
            for (int e = 0; e < l; e++) c[e] = e + 1;
            return new Efficiency(table, c, false);
        }
        if (costPerExit.length != l) {
            throw new IllegalArgumentException("cost per exit has " + costPerExit.length + " values, expected L = " + l);
        }
        if (!(costPerExit[l - 1] > 0)) throw new IllegalArgumentException("cost of the last exit must be > 0");
        return new Efficiency(table, costPerExit.clone(), true);
    }

    public LambdaGrid grid() {
        return table.grid();
    }

    public ExitTable exitTable() {
        return table;
    }

    /** True when compute comes from {@code flops}, false when from exit indices. */
    public boolean fromFlops() {
        return fromFlops;
    }

    /** Cumulative cost of each exit (a copy). */
    public double[] costPerExit() {
        return cost.clone();
    }

    /** Compute of the full model (every sample at the last exit). */
    public double fullCompute() {
        return cost[cost.length - 1];
    }

    /** The 0-based exit of sample i at grid index k. */
    public int exit(int k, int i) {
        return table.exit(k, i);
    }

    /** Compute spent on sample i at grid index k. */
    public double compute(int k, int i) {
        return cost[table.exit(k, i)];
    }

    /** Mean 1-based exit layer at grid index k. */
    public double meanExitLayer(int k) {
        return meanLayer[k];
    }

    public double[] meanExitLayers() {
        return meanLayer.clone();
    }

    /** Mean compute over all samples at grid index k. */
    public double meanCompute(int k) {
        return meanCompute[k];
    }

    public double[] meanComputes() {
        return meanCompute.clone();
    }

    /** Relative saving 1 − meanCompute(k) / fullCompute(). */
    public double saving(int k) {
        return 1.0 - meanCompute[k] / fullCompute();
    }

    public double[] savings() {
        double[] s = new double[meanCompute.length];
        for (int k = 0; k < s.length; k++) s[k] = saving(k);
        return s;
    }

    /** Mean compute over a subset of samples (e.g. a test split) at grid index k. */
    public double meanCompute(int k, int[] samples) {
        double s = 0;
        for (int i : samples) s += compute(k, i);
        return s / samples.length;
    }

    /** The compute of every sample at every grid index, [K][N], for the evaluation protocol. */
    public double[][] computeMatrix() {
        int kk = table.numLambdas();
        int n = table.numSamples();
        double[][] m = new double[kk][n];
        for (int k = 0; k < kk; k++) for (int i = 0; i < n; i++) m[k][i] = compute(k, i);
        return m;
    }
}
