package org.eennrc.risk.controllers;

import java.util.Arrays;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Checks;
import org.eennrc.risk.FwerProcedure;
import org.eennrc.risk.FwerProcedure.Hypotheses;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.PValue;
import org.eennrc.risk.RiskController;

/**
 * Learn then Test (method.md §4): one null hypothesis H_k: R(λ_k) > ε per grid index, a p-value from the losses
 * clipped and scaled to [0, 1] (tested against ε/B), and a family-wise error procedure at level δ. k̂ is the
 * largest rejected index. Needs no monotonicity of the risk.
 *
 * <p>For p-values that decrease in ε, one calibration remembers per hypothesis the largest level it was seen
 * at-or-below (and at which ε) and the smallest level it was seen above: "p_k(ε') ≤ a" implies
 * "p_k(ε) ≤ a" for every ε ≥ ε'. Scanning an ascending ε grid then computes each p-value about once.
 */
public final class LttController implements RiskController {
    /** The p-value whose controllers are named {@code ltt-<procedure>} without a p-value suffix. */
    public static final String DEFAULT_P_VALUE = "hb";

    private final PValue pValue;
    private final FwerProcedure fwer;

    public LttController(PValue pValue, FwerProcedure fwer) {
        this.pValue = pValue;
        this.fwer = fwer;
    }

    @Override
    public String name() {
        return "ltt-" + fwer.name() + (DEFAULT_P_VALUE.equals(pValue.name()) ? "" : "-" + pValue.name());
    }

    @Override
    public Guarantee guarantee() {
        return Guarantee.HIGH_PROBABILITY;
    }

    @Override
    public Calibration prepare(LossMatrix cal, double delta) {
        Checks.calibrationSet(cal);
        Checks.delta(delta);
        return new Prepared(cal, delta);
    }

    /** Not thread-safe: one per thread. */
    private final class Prepared implements Calibration {
        private final LossMatrix cal;
        private final double delta;
        private final double b;
        private final LossTransform t;
        private final int size;
        private final TransformedRows rows;
        // p_k(atMostEps[k]) <= atMostLevel[k]; p_k(aboveEps[k]) > aboveLevel[k]
        private final double[] atMostEps;
        private final double[] atMostLevel;
        private final double[] aboveEps;
        private final double[] aboveLevel;

        Prepared(LossMatrix cal, double delta) {
            this.cal = cal;
            this.delta = delta;
            this.b = cal.upperBound();
            this.t = LossTransform.clipAndScale(b);
            this.size = cal.numLambdas();
            this.rows = new TransformedRows(cal, t);
            this.atMostEps = filled(Double.POSITIVE_INFINITY);
            this.atMostLevel = filled(Double.POSITIVE_INFINITY);
            this.aboveEps = filled(Double.NEGATIVE_INFINITY);
            this.aboveLevel = filled(Double.NEGATIVE_INFINITY);
        }

        private double[] filled(double v) {
            double[] a = new double[size];
            Arrays.fill(a, v);
            return a;
        }

        private Hypotheses hypotheses(double epsilon) {
            double e = epsilon / b;
            boolean monotone = pValue.decreasingInEpsilon();
            return new Hypotheses() {
                public int size() {
                    return size;
                }

                public double pValue(int k) {
                    return pValue.pValue(rows.get(k), e);
                }

                public boolean pValueAtMost(int k, double level) {
                    if (monotone) {
                        if (e >= atMostEps[k] && level >= atMostLevel[k]) return true;
                        if (e <= aboveEps[k] && level <= aboveLevel[k]) return false;
                    }
                    boolean atMost = pValue(k) <= level;
                    if (atMost) {
                        atMostEps[k] = e;
                        atMostLevel[k] = level;
                    } else {
                        aboveEps[k] = e;
                        aboveLevel[k] = level;
                    }
                    return atMost;
                }
            };
        }

        @Override
        public int selectIndex(double epsilon) {
            Checks.epsilon(epsilon);
            return fwer.lastRejected(hypotheses(epsilon), delta);
        }

        @Override
        public CalibrationResult select(double epsilon) {
            Checks.epsilon(epsilon);
            double e = epsilon / b;
            double[] p = new double[size];
            for (int k = 0; k < size; k++) p[k] = pValue.pValue(rows.get(k), e);
            int last = fwer.lastRejected(Hypotheses.of(k -> p[k], size), delta);
            int index = Math.max(0, last);
            return new CalibrationResult(name(), epsilon, delta, cal.numSamples(), index, last >= 0, guarantee(),
                    "p_value", p, t, cal.mean(index));
        }
    }
}
