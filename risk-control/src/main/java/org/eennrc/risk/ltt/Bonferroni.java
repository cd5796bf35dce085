package org.eennrc.risk.ltt;

import java.util.function.IntToDoubleFunction;
import org.eennrc.risk.FwerProcedure;

/** Bonferroni (SPEC §4): reject every k with p_k ≤ δ / K; return the largest rejected index. */
public final class Bonferroni implements FwerProcedure {
    @Override
    public String name() {
        return "bonferroni";
    }

    @Override
    public int lastRejected(IntToDoubleFunction pValues, int numHypotheses, double delta) {
        double level = delta / numHypotheses;
        for (int k = numHypotheses - 1; k >= 0; k--) {
            if (pValues.applyAsDouble(k) <= level) return k;
        }
        return -1;
    }
}
