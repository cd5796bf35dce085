package org.eennrc.risk.bounds;

import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.UpperBound;

/**
 * Hoeffding–Bentkus (HB): the sup of r where min(exp(−n h(min(R̂, r), r)), e · BinomCDF(⌈n R̂⌉; n, r)) >= δ,
 * i.e. the smaller of the two bounds (method.md §4, UCB). Losses in [0, 1].
 */
public final class HoeffdingBentkusBound implements UpperBound {
    @Override
    public String name() {
        return "hb";
    }

    @Override
    public LossTransform transform(double lossBound) {
        return LossTransform.clipAndScale(lossBound);
    }

    @Override
    public double upperBound(BoundedSample s, double delta) {
        int c = s.ceilCount();
        int n = s.n();
        double mean = Math.min(1.0, Math.max(0.0, s.mean()));
        return Tails.supWhereTailAtLeast(r -> tail(mean, c, n, r), 0.0, delta);
    }

    private static double tail(double mean, int c, int n, double r) {
        return Math.min(Tails.hoeffdingTail(mean, n, r), Tails.bentkusTail(c, n, r));
    }

    /** Both tails decrease in r, so the bound is below ε exactly when the smaller tail at ε is below δ. */
    @Override
    public boolean isBelow(BoundedSample s, double delta, double epsilon) {
        if (epsilon > 1) return upperBound(s, delta) < epsilon;
        double mean = Math.min(1.0, Math.max(0.0, s.mean()));
        if (Tails.hoeffdingTail(mean, s.n(), epsilon) < delta) return true;
        return Tails.bentkusTail(s.ceilCount(), s.n(), epsilon) < delta;
    }
}
