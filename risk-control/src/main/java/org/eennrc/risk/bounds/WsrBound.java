package org.eennrc.risk.bounds;

import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.UpperBound;

/**
 * Waudby-Smith–Ramdas betting bound (the paper's choice; method.md §4, UCB). With the losses x_1..x_n in
 * calibration order:
 * <pre>
 *   μ̂_i = (1/2 + Σ_{j≤i} x_j) / (1 + i),   σ̂²_i = (1/4 + Σ_{j≤i} (x_j − μ̂_j)²) / (1 + i),   σ̂²_0 = 1/4,
 *   ν_i = min( sqrt(2 log(1/δ) / (n σ̂²_{i−1})), 1/B ),   K_i(μ) = Π_{j≤i} (1 − ν_j (x_j − μ)),
 *   R̂⁺ = inf{ μ ≥ 0 : max_i K_i(μ) > 1/δ }   (B if there is none below B).
 * </pre>
 * Each factor grows with μ, so the capital is monotone in μ and the infimum is the root of
 * max_i log K_i(μ) = log(1/δ), found with Brent's method. Valid for losses ≤ B, negative ones included,
 * so the losses are used as they are.
 */
public final class WsrBound implements UpperBound {
    @Override
    public String name() {
        return "wsr";
    }

    @Override
    public LossTransform transform(double lossBound) {
        return LossTransform.NONE;
    }

    @Override
    public double upperBound(BoundedSample s, double delta) {
        return new Bets(s, delta).bound();
    }

    /**
     * The capital is increasing in μ, so R̂⁺ < ε exactly when max_i K_i(ε) > 1/δ: one pass over the losses
     * (often a short one, since it stops at the first i over 1/δ) instead of a root search.
     */
    @Override
    public boolean isBelow(BoundedSample s, double delta, double epsilon) {
        return new Bets(s, delta).isBelow(epsilon);
    }

    /** Computes the bets once per sample; every later question about an ε is one pass over the capital. */
    @Override
    public Prepared prepare(BoundedSample s, double delta) {
        Bets bets = new Bets(s, delta);
        return new Prepared() {
            private double value = Double.NaN;

            @Override
            public double value() {
                if (Double.isNaN(value)) value = bets.bound();
                return value;
            }

            @Override
            public boolean isBelow(double epsilon) {
                return Double.isNaN(value) ? bets.isBelow(epsilon) : value < epsilon;
            }
        };
    }

    /**
     * The losses in calibration order and the predictable bets ν_i of the betting martingale. The bets are
     * extended lazily: a capital pass that crosses 1/δ early never pays for the rest.
     */
    private static final class Bets {
        final BoundedSample s;
        final double[] x;
        final double[] nu;
        final double bound;
        final double logInvDelta;
        final double maxBet;
        final double betScale;
        int ready;
        double sum;
        double sumSq;
        double varPrev = 0.25;

        Bets(BoundedSample s, double delta) {
            this.s = s;
            int n = s.n();
            bound = s.bound();
            logInvDelta = Math.log(1 / delta);
            x = new double[n];
            nu = new double[n];
            maxBet = 1.0 / bound;
            betScale = 2 * logInvDelta / n;
        }

        /** Makes x and ν valid up to index {@code upTo} (exclusive). */
        void extend(int upTo) {
            for (int i = ready; i < upTo; i++) {
                double xi = s.get(i);
                x[i] = xi;
                nu[i] = Math.min(Math.sqrt(betScale / varPrev), maxBet);
                sum += xi;
                double mu = (0.5 + sum) / (i + 2);
                double d = xi - mu;
                sumSq += d * d;
                varPrev = (0.25 + sumSq) / (i + 2);
            }
            ready = Math.max(ready, upTo);
        }

        double bound() {
            extend(x.length);
            if (logCapitalExcess(x, nu, 0.0, logInvDelta) > 0) return 0.0;
            if (logCapitalExcess(x, nu, bound, logInvDelta) <= 0) return bound;
            return Tails.solve(mu -> logCapitalExcess(x, nu, mu, logInvDelta), 0.0, bound);
        }

        /**
         * max_i K_i(ε) > 1/δ, stopping at the first i over 1/δ. The capital is kept as a plain product (no log
         * per step); when it gets tiny it is renormalised and the target raised by the same factor.
         */
        boolean isBelow(double epsilon) {
            if (epsilon <= 0) return false;
            if (epsilon > bound) return true;
            double capital = 1;
            double target = Math.exp(logInvDelta);
            for (int i = 0; i < x.length; i++) {
                if (i == ready) extend(Math.min(x.length, Math.max(16, 2 * ready)));
                capital *= Math.max(0.0, 1 - nu[i] * (x[i] - epsilon));
                if (capital > target) return true;
                if (capital < 1e-200) {
                    if (capital == 0) return false; // a factor of 0: the capital can never recover
                    target /= capital;
                    capital = 1;
                }
            }
            return false;
        }
    }

    /**
     * max_i log K_i(μ) − log(1/δ), sign-exact. Stops at the first i whose capital exceeds 1/δ (the sign is
     * then known), which keeps the root finding cheap far above the bound.
     */
    static double logCapitalExcess(double[] x, double[] nu, double mu, double logInvDelta) {
        double logK = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            double f = 1 - nu[i] * (x[i] - mu);
            logK += f > 0 ? Math.log(f) : -1e6;
            if (logK > best) {
                best = logK;
                if (best > logInvDelta) return best - logInvDelta;
            }
        }
        return best - logInvDelta;
    }
}
