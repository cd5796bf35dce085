package org.eennrc.risk.ltt;

import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.PValue;
import org.eennrc.risk.bounds.Tails;

/**
 * The exact binomial p-value BinomCDF(n R̂; n, ε), valid for 0-1 losses only (method.md §4). It refuses other
 * losses, because for them it is not super-uniform and would silently break the guarantee.
 */
public final class BinomialPValue implements PValue {
    /** Both tails decrease in ε. */
    @Override
    public boolean decreasingInEpsilon() {
        return true;
    }

    @Override
    public String name() {
        return "binomial";
    }

    @Override
    public double pValue(BoundedSample s, double epsilon) {
        for (int i = 0; i < s.n(); i++) {
            double v = s.get(i);
            if (v != 0.0 && v != 1.0) {
                throw new IllegalArgumentException("the binomial p-value needs 0-1 losses, but loss " + i + " is " + v
                        + "; use the 'hb' p-value for bounded losses");
            }
        }
        return Tails.binomialCdf(s.ceilCount(), s.n(), epsilon);
    }
}
