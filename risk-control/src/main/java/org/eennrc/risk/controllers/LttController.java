package org.eennrc.risk.controllers;

import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Checks;
import org.eennrc.risk.FwerProcedure;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.PValue;
import org.eennrc.risk.RiskController;

/**
 * Learn then Test (SPEC §4): one null hypothesis H_k: R(λ_k) > ε per grid index, a p-value from the losses
 * clipped and scaled to [0, 1] (tested against ε/B), and a family-wise error procedure at level δ. k̂ is the
 * largest rejected index. Needs no monotonicity of the risk.
 */
public final class LttController implements RiskController {
    private final PValue pValue;
    private final FwerProcedure fwer;

    public LttController(PValue pValue, FwerProcedure fwer) {
        this.pValue = pValue;
        this.fwer = fwer;
    }

    @Override
    public String name() {
        return "ltt-" + fwer.name() + ("hb".equals(pValue.name()) ? "" : "-" + pValue.name());
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
        LossTransform t = LossTransform.clipAndScale(b);
        int size = cal.numLambdas();
        BoundedSample[] samples = new BoundedSample[size];
        return new Calibration() {
            private BoundedSample sample(int k) {
                BoundedSample s = samples[k];
                if (s == null) {
                    s = BoundedSample.of(cal.row(k), t, b);
                    samples[k] = s;
                }
                return s;
            }

            @Override
            public int selectIndex(double epsilon) {
                Checks.epsilon(epsilon);
                double e = epsilon / b;
                return fwer.lastRejected(k -> pValue.pValue(sample(k), e), size, delta);
            }

            @Override
            public CalibrationResult select(double epsilon) {
                Checks.epsilon(epsilon);
                double e = epsilon / b;
                double[] p = new double[size];
                for (int k = 0; k < size; k++) p[k] = pValue.pValue(sample(k), e);
                int last = fwer.lastRejected(k -> p[k], size, delta);
                int index = Math.max(0, last);
                return new CalibrationResult(name(), epsilon, delta, cal.numSamples(), index, last >= 0, guarantee(),
                        "p_value", p, t, cal.mean(index));
            }
        };
    }
}
