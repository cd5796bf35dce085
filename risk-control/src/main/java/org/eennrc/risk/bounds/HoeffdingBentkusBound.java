package org.eennrc.risk.bounds;

import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.UpperBound;

/**
 * Hoeffding–Bentkus (HB): the sup of r where min(exp(−n h(min(R̂, r), r)), e · BinomCDF(⌈n R̂⌉; n, r)) >= δ,
 * i.e. the smaller of the two bounds (SPEC §4, UCB). Losses in [0, 1].
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
        return Tails.supWhereTailAtLeast(
                r -> Math.min(Tails.hoeffdingTail(mean, n, r), Tails.bentkusTail(c, n, r)), 0.0, delta);
    }
}
