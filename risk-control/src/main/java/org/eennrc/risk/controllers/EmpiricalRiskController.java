package org.eennrc.risk.controllers;

import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Checks;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.LossTransform;
import org.eennrc.risk.RiskController;

/**
 * Controllers whose statistic is an affine function of the empirical risk R̂(k): the naive rule (paper Eq. 9)
 * and conformal risk control (paper Eq. 10), in its paper form (largest passing k anywhere) and in its prefix
 * form. The losses are used as they are.
 */
public final class EmpiricalRiskController implements RiskController {

    private final String name;
    private final boolean crc;
    private final Scan scan;

    private EmpiricalRiskController(String name, boolean crc, Scan scan) {
        this.name = name;
        this.crc = crc;
        this.scan = scan;
    }

    /** λ̂ = inf{λ : R̂(λ) < ε}: no guarantee, the baseline (paper Eq. 9). */
    public static EmpiricalRiskController naive() {
        return new EmpiricalRiskController("naive", false, Scan.ANYWHERE);
    }

    /** λ̂ = inf{λ : (n/(n+1)) R̂(λ) + B/(n+1) ≤ ε} over the whole grid (paper Eq. 10). */
    public static EmpiricalRiskController crc() {
        return new EmpiricalRiskController("crc", true, Scan.ANYWHERE);
    }

    /** CRC restricted to the run of passing thresholds that starts at λ = 1 (valid without monotonicity in the sample). */
    public static EmpiricalRiskController crcPrefix() {
        return new EmpiricalRiskController("crc-prefix", true, Scan.PREFIX);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Guarantee guarantee() {
        return crc ? Guarantee.EXPECTATION : Guarantee.NONE;
    }

    @Override
    public Calibration prepare(LossMatrix cal, double delta) {
        Checks.calibrationSet(cal);
        int n = cal.numSamples();
        double b = cal.upperBound();
        double[] risk = cal.means();
        double[] stat = new double[risk.length];
        for (int k = 0; k < stat.length; k++) {
            stat[k] = crc ? (n / (n + 1.0)) * risk[k] + b / (n + 1.0) : risk[k];
        }
        return new Calibration() {
            @Override
            public int selectIndex(double epsilon) {
                Checks.epsilon(epsilon);
                return raw(epsilon);
            }

            private int raw(double epsilon) {
                return scan.select(k -> crc ? stat[k] <= epsilon : stat[k] < epsilon, stat.length);
            }

            @Override
            public CalibrationResult select(double epsilon) {
                Checks.epsilon(epsilon);
                int k = raw(epsilon);
                int index = Math.max(0, k);
                return new CalibrationResult(name, epsilon, delta, n, index, k >= 0, guarantee(),
                        crc ? "crc_adjusted_risk" : "empirical_risk", stat, LossTransform.NONE, risk[index]);
            }
        };
    }
}
