package org.eennrc.risk.perexit;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The Pareto-optimal configurations of method.md §7, steps 2–3, ordered from the safest to the cheapest.
 */
public final class ParetoFront {
    private ParetoFront() {}

    /**
     * The path of method.md §7, steps 2–3: the configurations that no other one beats in both risk and cost, ordered by
     * risk ascending (safest first); along the result the cost strictly decreases. At equal risk the more expensive
     * configuration comes first and the cheaper ones follow it: the strict Pareto front keeps only the cheapest of
     * them, but on D_opt ties are common at risk 0 (a plateau of configurations none of whose samples erred there), and
     * the cheapest of the plateau is the one that D_opt flatters most. Testing the plateau from its expensive end lets
     * fixed-sequence testing walk down it instead of stopping at once. Of identical (risk, cost) points the one with the
     * smallest index is kept. The order depends on the D_opt statistics only, which is all the guarantee needs.
     * O(M log M).
     */
    public static int[] path(double[] risk, double[] cost) {
        if (risk.length != cost.length) {
            throw new IllegalArgumentException("risk has " + risk.length + " values, cost " + cost.length);
        }
        Integer[] order = new Integer[risk.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> risk[i]).thenComparingDouble(i -> -cost[i])
                .thenComparingInt(i -> i));
        int[] out = new int[risk.length];
        int count = 0;
        double best = Double.POSITIVE_INFINITY;
        for (int i : order) {
            if (cost[i] < best) { // strictly cheaper than everything before it: no safer configuration is as cheap
                out[count++] = i;
                best = cost[i];
            }
        }
        return Arrays.copyOf(out, count);
    }
}
