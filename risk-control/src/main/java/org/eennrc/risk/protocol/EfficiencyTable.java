package org.eennrc.risk.protocol;

/**
 * The cost of early exit at each threshold (method.md §5): either one value per λ (mean exit layer, as cached for
 * the CALM data) or one value per λ and sample (each sample's exit layer or FLOPs), in which case the test
 * mean over the test split of a trial is reported. Lower is cheaper; index 0 is the full model.
 */
public final class EfficiencyTable {
    private final double[] perLambda;
    private final double[][] perSample;
    private final double[] rowSums;

    private EfficiencyTable(double[] perLambda, double[][] perSample) {
        this.perLambda = perLambda;
        this.perSample = perSample;
        if (perSample != null) {
            rowSums = new double[perSample.length];
            for (int k = 0; k < perSample.length; k++) {
                double s = 0;
                for (double v : perSample[k]) s += v;
                rowSums[k] = s;
            }
        } else {
            rowSums = null;
        }
    }

    /** One value per λ (e.g. CALM's mean exit layer). */
    public static EfficiencyTable perLambda(double[] values) {
        check(values, -1);
        return new EfficiencyTable(values.clone(), null);
    }

    /** One value per λ and sample, {@code values[k][i]}. */
    public static EfficiencyTable perSample(double[][] values) {
        if (values.length == 0) throw new IllegalArgumentException("efficiency matrix has no rows");
        double[][] copy = new double[values.length][];
        for (int k = 0; k < values.length; k++) {
            if (values[k].length != values[0].length) {
                throw new IllegalArgumentException("efficiency rows of different lengths: row 0 has " + values[0].length
                        + " samples, row " + k + " has " + values[k].length);
            }
            check(values[k], k);
            copy[k] = values[k].clone();
        }
        return new EfficiencyTable(null, copy);
    }

    private static void check(double[] v, int row) {
        if (v.length == 0) throw new IllegalArgumentException("efficiency vector is empty");
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i]) || v[i] < 0) {
                throw new IllegalArgumentException("efficiency" + (row >= 0 ? "[" + row + "]" : "") + "[" + i + "] = "
                        + v[i] + " (must be finite and >= 0)");
            }
        }
    }

    public int numLambdas() {
        return perLambda != null ? perLambda.length : perSample.length;
    }

    /** Number of samples for a per-sample table, −1 for a per-λ vector. */
    public int numSamples() {
        return perSample == null ? -1 : perSample[0].length;
    }

    public boolean isPerSample() {
        return perSample != null;
    }

    /** Mean cost at index k over all samples. */
    public double mean(int k) {
        return perLambda != null ? perLambda[k] : rowSums[k] / perSample[k].length;
    }

    /**
     * Mean cost at index k over the samples not in {@code calibration} (the test split of a trial). With a
     * per-λ vector, the cached value.
     */
    public double testMean(int k, int[] calibration) {
        if (perLambda != null) return perLambda[k];
        double[] row = perSample[k];
        double s = rowSums[k];
        for (int i : calibration) s -= row[i];
        return s / (row.length - calibration.length);
    }
}
