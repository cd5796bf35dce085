package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.protocol.Protocol;
import org.junit.jupiter.api.Test;

/** Joint control of two risks (method.md §6): the more conservative threshold, δ split for high-probability controllers. */
class JointControlTest {

    @Test
    void theMoreConservativeThresholdOnAHandExample() {
        // 4 samples, 2 exits, grid λ = 1, 0.5, 0. Exit-1 confidences 0.8, 0.8, 0.3, 0.3: at λ = 0.5 samples 0 and 1
        // leave early, at λ = 0 all four.
        double[] conf = {0.8, 1, 0.8, 1, 0.3, 1, 0.3, 1};
        // risk a: early losses 0, 0, 1, 1 -> R̂ = 0, 0, 0.5;  risk b: 1, 0, 0, 0 -> R̂ = 0, 0.25, 0.25
        ExitOutputs o = ExitOutputs.builder(4, 2).confidence(conf)
                .lossTable("a", 0, 1, new double[] {0, 0, 0, 0, 1, 0, 1, 0})
                .lossTable("b", 0, 1, new double[] {1, 0, 0, 0, 0, 0, 0, 0}).build();
        LambdaGrid grid = LambdaGrid.of(1, 0.5, 0);
        Calibrator a = Calibrator.builder().risk("table:a").controller("naive").epsilon(0.3).confidence("provided")
                .grid(grid).build();
        JointControl.Result r = JointControl.split(a, "table:b", 0.3, 0.5).calibrate(o);
        assertThat(r.first().calibration().index()).isEqualTo(1);   // a: 0.5 > 0.3 at λ = 0
        assertThat(r.second().calibration().index()).isEqualTo(2);  // b: 0.25 ≤ 0.3 everywhere
        assertThat(r.index()).isEqualTo(1);
        assertThat(r.lambda()).isEqualTo(0.5);
        assertThat(r.feasible()).isTrue();
        // a tighter ε for b makes b the binding one
        JointControl.Result tight = JointControl.split(a, "table:b", 0.2, 0.5).calibrate(o);
        assertThat(tight.second().calibration().index()).isZero();
        assertThat(tight.index()).isZero();
        assertThat(tight.lambda()).isEqualTo(1.0);
        // naive and CRC do not use δ: both at δ; a high-probability controller splits it
        assertThat(r.deltaFirst()).isEqualTo(0.1);
        assertThat(r.deltaSecond()).isEqualTo(0.1);
        Calibrator ucb = a.toBuilder().controller("ucb-wsr").delta(0.2).build();
        JointControl j = JointControl.split(ucb, "table:b", 0.3, 0.25);
        assertThat(j.first().delta()).isEqualTo(0.05);
        assertThat(j.second().delta()).isEqualTo(0.2 * 0.75);
        JointControl.Result u = j.calibrate(o);
        assertThat(u.first().calibration().delta()).isEqualTo(0.05);
        assertThat(u.guarantee()).isEqualTo(Guarantee.HIGH_PROBABILITY);
        assertThatThrownBy(() -> JointControl.split(ucb, "table:b", 0.3, 1)).hasMessageContaining("(0, 1)");
    }

    /**
     * A pool of table-only outputs in which the two risks bind at different thresholds: risk 1 (0/1 misses) falls
     * slowly with the exit, risk 2 (continuous) quickly but from higher.
     */
    private static ExitOutputs pool(int n, long seed) {
        int l = 3;
        Random r = new Random(seed);
        double[] conf = new double[n * l];
        double[] one = new double[n * l];
        double[] two = new double[n * l];
        for (int i = 0; i < n; i++) {
            double h = r.nextDouble();
            for (int e = 0; e < l; e++) {
                conf[i * l + e] = Math.min(1, Math.max(0, 1 - h + 0.15 * e + 0.1 * r.nextGaussian()));
                double left = (l - 1 - e) / (double) (l - 1);
                one[i * l + e] = e == l - 1 ? 0 : (r.nextDouble() < 0.6 * h * left ? 1 : 0);
                two[i * l + e] = e == l - 1 ? 0 : h * h * left * left * r.nextDouble();
            }
        }
        return ExitOutputs.builder(n, l).confidence(conf).lossTable("one", 0, 1, one).lossTable("two", 0, 1, two)
                .build();
    }

    @Test
    void bothRisksHoldTogetherWithProbabilityOneMinusDeltaAndTheLessConservativeChoiceFails() {
        int n = 6_000;
        int nCal = 500;
        int trials = 200;
        double delta = 0.2;
        double eps1 = 0.06;
        double eps2 = 0.06;
        ExitOutputs o = pool(n, 1);
        LambdaGrid grid = LambdaGrid.standard();
        ExitTable table = ExitTable.build(o.providedConfidences(), 3, grid);
        double[][] rows1 = table.gather(o.lossTable("one").values());
        double[][] rows2 = table.gather(o.lossTable("two").values());
        Calibrator base = Calibrator.builder().risk("table:one").controller("ucb-hoeffding").epsilon(eps1).delta(delta)
                .confidence("provided").build();
        JointControl joint = JointControl.split(base, "table:two", eps2, 0.5);
        int violations = 0;
        int brokenViolations = 0;
        int differ = 0;
        for (int t = 0; t < trials; t++) {
            int[] cal = Protocol.drawCalibration(n, nCal, 17, t);
            JointControl.Result r = joint.calibrate(o.subset(cal));
            int k1 = r.first().calibration().index();
            int k2 = r.second().calibration().index();
            if (k1 != k2) differ++;
            if (testRisk(rows1, cal, r.index()) > eps1 || testRisk(rows2, cal, r.index()) > eps2) violations++;
            int broken = Math.max(k1, k2); // the less conservative threshold: not a joint guarantee
            if (testRisk(rows1, cal, broken) > eps1 || testRisk(rows2, cal, broken) > eps2) brokenViolations++;
        }
        double bound = delta + 2 * Math.sqrt(delta * (1 - delta) / trials);
        assertThat(differ).as("the two risks bind at different thresholds").isGreaterThan(trials / 2);
        assertThat((double) violations / trials).isLessThanOrEqualTo(bound);
        assertThat((double) brokenViolations / trials).isGreaterThan(bound);
    }

    /** The mean loss at grid index k over the samples not in {@code cal}. */
    private static double testRisk(double[][] rows, int[] cal, int k) {
        double all = 0;
        for (double v : rows[k]) all += v;
        double c = 0;
        for (int i : cal) c += rows[k][i];
        return (all - c) / (rows[k].length - cal.length);
    }
}
