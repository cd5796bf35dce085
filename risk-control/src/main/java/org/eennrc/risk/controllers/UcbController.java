package org.eennrc.risk.controllers;

import java.util.Arrays;
import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Checks;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.UpperBound;

/**
 * Upper-confidence-bound control (RCPS; SPEC §4): k̂ is the end of the run k = 0, 1, … with R̂⁺(k) < ε. The
 * bounds do not depend on ε, so they are computed once per calibration set, lazily in k: a scan for ε never
 * needs a bound past the first failure, which makes a whole ε grid cost about as much as its largest ε.
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
        return new Calibration() {
            /** R̂⁺(k) in loss units; memoised. Not thread-safe: one Calibration per thread. */
            private double ub(int k) {
                double v = ub[k];
                if (Double.isNaN(v)) {
                    BoundedSample s = BoundedSample.of(cal.row(k), t, b);
                    v = bound.upperBound(s, delta) * t.scale();
                    ub[k] = v;
                }
                return v;
            }

            @Override
            public int selectIndex(double epsilon) {
                Checks.epsilon(epsilon);
                return Scan.PREFIX.select(k -> ub(k) < epsilon, size);
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
