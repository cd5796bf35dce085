package org.eennrc.risk.ltt;

import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.PValue;
import org.eennrc.risk.bounds.Tails;

/**
 * The Hoeffding–Bentkus p-value of LTT (method.md §4):
 * p_HB(R̂; n, ε) = min( exp(−n h(min(R̂, ε), ε)), e · BinomCDF(⌈n R̂⌉; n, ε) ), capped at 1.
 * Sanity value: p_HB(0.05; 100, 0.1) = 0.1565.
 */
public final class HoeffdingBentkusPValue implements PValue {
    /** Both tails decrease in ε. */
    @Override
    public boolean decreasingInEpsilon() {
        return true;
    }

    @Override
    public String name() {
        return "hb";
    }

    @Override
    public double pValue(BoundedSample s, double epsilon) {
        return pValue(Math.max(0, Math.min(1, s.mean())), s.ceilCount(), s.n(), epsilon);
    }

    /** p_HB from the mean R̂ and the count ⌈n R̂⌉ of n losses in [0, 1]. */
    public static double pValue(double mean, int ceilCount, int n, double epsilon) {
        double p = Math.min(Tails.hoeffdingTail(mean, n, epsilon), Tails.bentkusTail(ceilCount, n, epsilon));
        return Math.min(1.0, p);
    }
}
