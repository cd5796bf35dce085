package org.eennrc.risk.bounds;

import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.UpperBound;

/** Hoeffding: R̂⁺ = R̂ + sqrt(log(1/δ) / (2n)) on losses in [0, 1] (method.md §4, UCB). */
public final class HoeffdingBound implements UpperBound {
    @Override
    public String name() {
        return "hoeffding";
    }

    @Override
    public LossTransform transform(double lossBound) {
        return LossTransform.clipAndScale(lossBound);
    }

    @Override
    public double upperBound(BoundedSample s, double delta) {
        return Math.min(s.bound(), s.mean() + s.bound() * Math.sqrt(Math.log(1 / delta) / (2.0 * s.n())));
    }
}
