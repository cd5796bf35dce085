package org.eennrc.risk.bounds;

import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.UpperBound;

/** Bentkus: R̂⁺ = sup{ r : e · BinomCDF(⌈n R̂⌉; n, r) >= δ } on losses in [0, 1] (method.md §4, UCB). */
public final class BentkusBound implements UpperBound {
    @Override
    public String name() {
        return "bentkus";
    }

    @Override
    public LossTransform transform(double lossBound) {
        return LossTransform.clipAndScale(lossBound);
    }

    @Override
    public double upperBound(BoundedSample s, double delta) {
        int c = s.ceilCount();
        int n = s.n();
        return Tails.supWhereTailAtLeast(r -> Tails.bentkusTail(c, n, r), 0.0, delta);
    }

    /** The tail is decreasing in r, so sup{r : tail(r) >= δ} < ε exactly when tail(ε) < δ. */
    @Override
    public boolean isBelow(BoundedSample s, double delta, double epsilon) {
        if (epsilon > 1) return s.ceilCount() < s.n() || Tails.bentkusTail(s.ceilCount(), s.n(), 1.0) < delta;
        return Tails.bentkusTail(s.ceilCount(), s.n(), epsilon) < delta;
    }
}
