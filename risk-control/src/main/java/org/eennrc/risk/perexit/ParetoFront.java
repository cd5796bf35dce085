package org.eennrc.risk.perexit;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The Pareto-optimal configurations of method.md §7, step 2–3, ordered from the safest to the cheapest.
 */
public final class ParetoFront {
    private ParetoFront() {}

    /**
     * The configurations that no other one dominates (lower-or-equal risk and lower-or-equal cost, one of them
     * strictly), ordered by risk ascending (safest first); along the result the cost strictly decreases. Of several
     * configurations with the same (risk, cost) the one with the smallest index is kept. O(M log M).
     */
    public static int[] path(double[] risk, double[] cost) {
        if (risk.length != cost.length) {
            throw new IllegalArgumentException("risk has " + risk.length + " values, cost " + cost.length);
        }
        Integer[] order = new Integer[risk.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> risk[i]).thenComparingDouble(i -> cost[i])
                .thenComparingInt(i -> i));
        int[] out = new int[risk.length];
        int count = 0;
        double best = Double.POSITIVE_INFINITY;
        for (int i : order) {
            if (cost[i] < best) { // strictly cheaper than every safer-or-equal one: not dominated
                out[count++] = i;
                best = cost[i];
            }
        }
        return Arrays.copyOf(out, count);
    }
}
