package org.eennrc.risk.ltt;

import org.eennrc.risk.FwerProcedure;

/**
 * Fixed-sequence testing (method.md §4; CALM's choice): test k = 0, 1, 2, … in order, reject while p_k ≤ δ, stop at
 * the first p_k > δ. Controls the family-wise error at δ with no multiplicity correction because the order is
 * fixed in advance. Returns the last rejected index (the textbook rule, one step more conservative than the
 * paper's code).
 */
public final class FixedSequenceTesting implements FwerProcedure {
    @Override
    public String name() {
        return "fst";
    }

    @Override
    public int lastRejected(Hypotheses h, double delta) {
        int last = -1;
        for (int k = 0; k < h.size(); k++) {
            if (h.pValueAtMost(k, delta)) last = k;
            else break;
        }
        return last;
    }
}
