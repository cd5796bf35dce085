package org.eennrc.experiments.example;

import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.RiskController;

/**
 * A heuristic baseline: the naive rule with a safety margin, i.e. the largest k with R̂(k) + margin < ε.
 * No guarantee; it shows the shape of a controller. Stateless and thread-safe, as the protocol requires.
 */
public final class MarginController implements RiskController {
    private final double margin;

    public MarginController() {
        this(0.01);
    }

    public MarginController(double margin) {
        this.margin = margin;
    }

    @Override
    public String name() {
        return "naive-margin";
    }

    @Override
    public Guarantee guarantee() {
        return Guarantee.NONE;
    }

    @Override
    public Calibration prepare(LossMatrix cal, double delta) {
        double[] risk = cal.means(); // ε-independent work, done once per calibration set
        return new Calibration() {
            @Override
            public int selectIndex(double epsilon) {
                for (int k = risk.length - 1; k >= 0; k--) {
                    if (risk[k] + margin < epsilon) return k;
                }
                return -1; // nothing passes: the full model
            }

            @Override
            public CalibrationResult select(double epsilon) {
                int k = selectIndex(epsilon);
                int used = Math.max(k, 0);
                return new CalibrationResult(name(), epsilon, delta, cal.numSamples(), used, k >= 0, guarantee(),
                        "empirical_risk", risk, LossTransform.NONE, risk[used]);
            }
        };
    }
}
