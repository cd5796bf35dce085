package org.eennrc.risk.bounds;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * The tail inequalities shared by the Hoeffding, Bentkus and Hoeffding–Bentkus bounds and the LTT p-values
 * (method.md §4), and the root finding that turns a tail into a bound. Binomial CDFs and Brent's method come from
 * Commons Math.
 */
public final class Tails {
    private Tails() {}

    private static final double E = Math.E;

    /** BinomCDF(c; n, p); no random generator is created (the {@code null} argument). */
    public static double binomialCdf(int c, int n, double p) {
        if (p <= 0) return 1.0;
        if (p >= 1) return c >= n ? 1.0 : 0.0;
        return new BinomialDistribution(null, n, p).cumulativeProbability(c);
    }

    /** h(a, b) = a log(a/b) + (1−a) log((1−a)/(1−b)), with 0·log 0 = 0: the Bernoulli KL divergence. */
    public static double kl(double a, double b) {
        double t1 = a <= 0 ? 0 : a * Math.log(a / b);
        double t2 = a >= 1 ? 0 : (1 - a) * Math.log((1 - a) / (1 - b));
        return t1 + t2;
    }

    /** Hoeffding's tail exp(−n h(min(R̂, r), r)) for mean R̂ of n values in [0, 1]. */
    public static double hoeffdingTail(double mean, int n, double r) {
        if (r >= 1) return mean >= 1 ? 1.0 : 0.0;
        return Math.exp(-n * kl(Math.min(mean, r), r));
    }

    /** Bentkus' tail e · BinomCDF(⌈n R̂⌉; n, r). */
    public static double bentkusTail(int ceilCount, int n, double r) {
        return E * binomialCdf(ceilCount, n, r);
    }

    /**
     * sup{ r in [lo, 1] : tail(r) >= δ } for a tail that is non-increasing in r; the bound of RCPS.
     * Solved with Brent's method to 1e-10.
     */
    public static double supWhereTailAtLeast(UnivariateFunction tail, double lo, double delta) {
        if (tail.value(1.0) >= delta) return 1.0;
        if (tail.value(lo) < delta) return lo;
        return solve(r -> tail.value(r) - delta, lo, 1.0);
    }

    /** A root of an increasing or decreasing function that changes sign on [lo, hi]. */
    public static double solve(UnivariateFunction f, double lo, double hi) {
        BrentSolver solver = new BrentSolver(1e-14, 1e-11);
        return solver.solve(500, f, lo, hi);
    }
}
