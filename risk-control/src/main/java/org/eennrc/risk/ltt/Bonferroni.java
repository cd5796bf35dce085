package org.eennrc.risk.ltt;

import org.eennrc.risk.FwerProcedure;

/** Bonferroni (method.md §4): reject every k with p_k ≤ δ / K; return the largest rejected index. */
public final class Bonferroni implements FwerProcedure {
    @Override
    public String name() {
        return "bonferroni";
    }

    @Override
    public int lastRejected(Hypotheses h, double delta) {
        double level = delta / h.size();
        for (int k = h.size() - 1; k >= 0; k--) {
            if (h.pValueAtMost(k, level)) return k;
        }
        return -1;
    }
}
