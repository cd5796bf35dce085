package org.eennrc.risk.controllers;

import java.util.Arrays;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Checks;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.UpperBound;

/**
 * Upper-confidence-bound control (RCPS; method.md §4): k̂ is the end of the run k = 0, 1, … with R̂⁺(k) < ε. The
 * bounds do not depend on ε, so one calibration set answers a whole ε grid: {@link Calibration#selectIndex} only
 * asks whether R̂⁺(k) < ε (one tail evaluation, see {@link UpperBound#isBelow}), lazily in k, and remembers the
 * answers, so that an ascending ε grid costs about one scan of the λ grid. {@link Calibration#select} computes
 * every bound exactly for diagnostics.
 */
public final class UcbController implements RiskController {
    private final UpperBound bound;

    public UcbController(UpperBound bound) {
        this.bound = bound;
    }

    @Override
    public String name() {
        return "ucb-" + bound.name();
    }

    @Override
    public Guarantee guarantee() {
        return Guarantee.HIGH_PROBABILITY;
    }

    @Override
    public Calibration prepare(LossMatrix cal, double delta) {
        Checks.calibrationSet(cal);
        Checks.delta(delta);
        double b = cal.upperBound();
        LossTransform t = bound.transform(b);
        int size = cal.numLambdas();
        double[] ub = new double[size];
        Arrays.fill(ub, Double.NaN);
        TransformedRows rows = new TransformedRows(cal, t);
        UpperBound.Prepared[] prepared = new UpperBound.Prepared[size];
        // what isBelow calls have shown: R̂⁺(k) < below[k] and R̂⁺(k) >= notBelow[k]
        double[] below = new double[size];
        double[] notBelow = new double[size];
        Arrays.fill(below, Double.POSITIVE_INFINITY);
        Arrays.fill(notBelow, Double.NEGATIVE_INFINITY);
        return new Calibration() {
            private UpperBound.Prepared prepared(int k) {
                if (prepared[k] == null) prepared[k] = bound.prepare(rows.get(k), delta);
                return prepared[k];
            }

            /**
             * R̂⁺(k) < ε, from what earlier calls showed when possible (the bound does not depend on ε, so
             * "below ε'" implies "below ε" for ε ≥ ε'), else one {@link UpperBound#isBelow} evaluation.
             */
            private boolean passes(int k, double epsilon) {
                if (!Double.isNaN(ub[k])) return ub[k] < epsilon;
                if (epsilon >= below[k]) return true;
                if (epsilon <= notBelow[k]) return false;
                boolean yes = prepared(k).isBelow(epsilon / t.scale());
                if (yes) below[k] = epsilon;
                else notBelow[k] = epsilon;
                return yes;
            }

            /** R̂⁺(k) in loss units; memoised. Not thread-safe: one Calibration per thread. */
            private double ub(int k) {
                double v = ub[k];
                if (Double.isNaN(v)) {
                    v = prepared(k).value() * t.scale();
                    ub[k] = v;
                }
                return v;
            }

            @Override
            public int selectIndex(double epsilon) {
                Checks.epsilon(epsilon);
                return Scan.PREFIX.select(k -> passes(k, epsilon), size);
            }

            @Override
            public CalibrationResult select(double epsilon) {
                Checks.epsilon(epsilon);
                int k = Scan.PREFIX.select(kk -> ub(kk) < epsilon, size);
                for (int j = 0; j < size; j++) ub(j);
                int index = Math.max(0, k);
                return new CalibrationResult(name(), epsilon, delta, cal.numSamples(), index, k >= 0, guarantee(),
                        "upper_bound", ub, t, cal.mean(index));
            }
        };
    }
}
