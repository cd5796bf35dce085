package org.eennrc.risk.perexit;

/**
 * The empirical risk and mean cost of every configuration on a set of samples (method.md §7, step 2), gathered from
 * the per-exit tables in O(M · n · L) at most: each (configuration, sample) pair only looks up which exit answers.
 *
 * @param risk mean loss per configuration
 * @param cost mean cumulative cost per configuration
 */
public record ConfigurationStats(double[] risk, double[] cost) {

    /**
     * The statistics of every configuration of {@code configs} on all samples of {@code tables}.
     *
     * <p>Samples that no configuration can tell apart are pooled first. For exit l let T_l be the distinct values
     * λ_l takes in the family; sample i passes λ_l exactly when λ_l's rank in T_l is below b_il = #{t ∈ T_l : t &lt;
     * c_l(x_i)}. Samples with the same (b_i1, …, b_i,L−1) therefore leave at the same exit under every configuration,
     * and only the sum of their losses per exit and their number matter. The loop then runs over the K ≤ N distinct
     * keys: O(M · K · L) instead of O(M · N · L), the same sums, in a different order of addition.
     */
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
        // the distinct thresholds of each exit, and each configuration's rank among them
        double[][] values = new double[d][];
        int[] rank = new int[m * d];
        for (int e = 0; e < d; e++) {
            double[] v = new double[m];
            for (int c = 0; c < m; c++) v[c] = th[c * d + e];
            values[e] = java.util.Arrays.stream(v).sorted().distinct().toArray();
            for (int c = 0; c < m; c++) rank[c * d + e] = java.util.Arrays.binarySearch(values[e], th[c * d + e]);
        }
        // pool the samples by their key (b_i1, ..., b_i,L-1)
        java.util.HashMap<java.util.List<Integer>, Integer> index = new java.util.HashMap<>();
        int[] keyB = new int[n * Math.max(d, 1)];
        double[] keyLoss = new double[n * l];
        long[] keyCount = new long[n];
        int k = 0;
        Integer[] b = new Integer[d];
        for (int i = 0, base = 0; i < n; i++, base += l) {
            for (int e = 0; e < d; e++) b[e] = countBelow(values[e], conf[base + e]);
            java.util.List<Integer> key = java.util.List.of(b);
            Integer at = index.get(key);
            if (at == null) {
                at = k++;
                index.put(key, at);
                for (int e = 0; e < d; e++) keyB[at * d + e] = b[e];
            }
            for (int e = 0; e < l; e++) keyLoss[at * l + e] += loss[base + e];
            keyCount[at]++;
        }
        double[] risk = new double[m];
        double[] meanCost = new double[m];
        long[] count = new long[l];
        for (int c = 0; c < m; c++) {
            java.util.Arrays.fill(count, 0);
            double lossSum = 0;
            int off = c * d;
            for (int q = 0; q < k; q++) {
                int kb = q * d;
                int e = 0;
                while (e < d && keyB[kb + e] <= rank[off + e]) e++;
                lossSum += keyLoss[q * l + e];
                count[e] += keyCount[q];
            }
            double cs = 0;
            for (int e = 0; e < l; e++) cs += count[e] * cost[e];
            risk[c] = lossSum / n;
            meanCost[c] = cs / n;
        }
        return new ConfigurationStats(risk, meanCost);
    }

    /** #{t ∈ sorted : t &lt; x}. */
    private static int countBelow(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
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
