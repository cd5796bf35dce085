package org.eennrc.risk.perexit;

/**
 * The empirical risk and mean cost of every configuration on a set of samples (method.md §7, step 2), gathered from
 * the per-exit tables in O(M · n · L): each (configuration, sample) pair only looks up which exit answers.
 *
 * @param risk mean loss per configuration
 * @param cost mean cumulative cost per configuration
 */
public record ConfigurationStats(double[] risk, double[] cost) {

    /** The statistics of every configuration of {@code configs} on all samples of {@code tables}. */
    public static ConfigurationStats of(ExitTables tables, Configurations configs) {
        if (configs.numExits() != tables.numExits()) {
            throw new IllegalArgumentException("configurations are for " + configs.numExits() + " exits, the tables have "
                    + tables.numExits());
        }
        int n = tables.numSamples();
        int l = tables.numExits();
        int d = l - 1;
        int m = configs.size();
        double[] conf = tables.confidenceArray();
        double[] loss = tables.lossArray();
        double[] cost = tables.costs();
        double[] th = configs.array();
        double[] risk = new double[m];
        double[] meanCost = new double[m];
        // count[e]: samples leaving at exit e for the current configuration; lossSum: their summed loss
        long[] count = new long[l];
        for (int c = 0; c < m; c++) {
            java.util.Arrays.fill(count, 0);
            double lossSum = 0;
            int off = c * d;
            for (int i = 0, base = 0; i < n; i++, base += l) {
                int e = 0;
                while (e < d && !(conf[base + e] > th[off + e])) e++;
                lossSum += loss[base + e];
                count[e]++;
            }
            double cs = 0;
            for (int e = 0; e < l; e++) cs += count[e] * cost[e];
            risk[c] = lossSum / n;
            meanCost[c] = cs / n;
        }
        return new ConfigurationStats(risk, meanCost);
    }

    /** The losses of configuration {@code c} on every sample of {@code tables}, in sample order. */
    public static double[] losses(ExitTables tables, Configurations configs, int c) {
        int n = tables.numSamples();
        int l = tables.numExits();
        int d = l - 1;
        double[] conf = tables.confidenceArray();
        double[] loss = tables.lossArray();
        double[] th = configs.array();
        int off = c * d;
        double[] out = new double[n];
        for (int i = 0, base = 0; i < n; i++, base += l) {
            int e = 0;
            while (e < d && !(conf[base + e] > th[off + e])) e++;
            out[i] = loss[base + e];
        }
        return out;
    }
}
