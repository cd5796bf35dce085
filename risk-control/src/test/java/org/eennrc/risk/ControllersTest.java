package org.eennrc.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.eennrc.risk.bounds.HoeffdingBound;
import org.eennrc.risk.controllers.EmpiricalRiskController;
import org.eennrc.risk.controllers.LttController;
import org.eennrc.risk.controllers.UcbController;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.ltt.Bonferroni;
import org.eennrc.risk.ltt.FixedSequenceTesting;
import org.eennrc.risk.ltt.HoeffdingBentkusPValue;
import org.junit.jupiter.api.Test;

/** Each controller's choice on small hand-made loss matrices, with the arithmetic in the comments. */
class ControllersTest {

    private static final ControllerRegistry REGISTRY = ControllerRegistry.create();

    /** A matrix whose row k has every entry equal to risks[k]. */
    private static LossMatrix constantRows(int n, double bound, double... risks) {
        double[][] m = new double[risks.length][n];
        for (int k = 0; k < risks.length; k++) Arrays.fill(m[k], risks[k]);
        return LossMatrix.of(m, bound);
    }

    @Test
    void naiveUsesStrictInequalityAndScansTheWholeGrid() {
        LossMatrix m = constantRows(3, 1, 0, 0.25, 0.5, 0.75, 0.25);
        RiskController naive = REGISTRY.get("naive");
        // R̂ = [0, .25, .5, .75, .25]: largest k with R̂ < 0.5 is 4 (anywhere, not a prefix)
        assertThat(naive.calibrate(m, 0.5, 0.1).index()).isEqualTo(4);
        // tie R̂ = ε fails the strict test: with ε = 0.25 only k = 0 passes
        assertThat(naive.calibrate(m, 0.25, 0.1).index()).isEqualTo(0);
        assertThat(naive.calibrate(m, 0.25, 0.1).guarantee()).isEqualTo(Guarantee.NONE);
    }

    @Test
    void crcAddsTheFiniteSampleCorrectionAndAcceptsTies() {
        // n = 3, B = 1: (3/4) R̂ + 1/4 <= ε. R̂ = [0, 0.5, 1, 0.5] -> [0.25, 0.625, 1, 0.625] (exact in binary)
        LossMatrix m = constantRows(3, 1, 0, 0.5, 1, 0.5);
        CalibrationResult r = REGISTRY.get("crc").calibrate(m, 0.625, 0.1);
        assertThat(r.index()).isEqualTo(3);
        assertThat(r.feasible()).isTrue();
        assertThat(r.statistic()).containsExactly(0.25, 0.625, 1.0, 0.625);
        assertThat(r.statisticName()).isEqualTo("crc_adjusted_risk");
        assertThat(r.guarantee()).isEqualTo(Guarantee.EXPECTATION);
        assertThat(REGISTRY.get("crc").calibrate(m, 0.6249, 0.1).index()).isEqualTo(0);
        // below B/(n+1) = 0.25 nothing passes, not even the full model
        CalibrationResult none = REGISTRY.get("crc").calibrate(m, 0.2, 0.1);
        assertThat(none.feasible()).isFalse();
        assertThat(none.index()).isZero();
        assertThat(none.status()).isEqualTo("infeasible: full model");
    }

    @Test
    void crcPrefixStopsAtTheFirstFailure() {
        LossMatrix m = constantRows(3, 1, 0, 0.5, 1, 0.5);
        assertThat(REGISTRY.get("crc-prefix").calibrate(m, 0.625, 0.1).index()).isEqualTo(1);
        assertThat(REGISTRY.get("crc").calibrate(m, 0.625, 0.1).index()).isEqualTo(3);
    }

    @Test
    void crcCorrectionScalesWithTheBound() {
        // B = 2, n = 3: (3/4) R̂ + 2/4 <= ε, so R̂ = 0 needs ε >= 0.5
        LossMatrix m = constantRows(3, 2, 0, 0);
        assertThat(REGISTRY.get("crc").calibrate(m, 0.49, 0.1).feasible()).isFalse();
        assertThat(REGISTRY.get("crc").calibrate(m, 0.5, 0.1).index()).isEqualTo(1);
    }

    @Test
    void allZeroLossesCertifyTheMostAggressiveThreshold() {
        LossMatrix zeros = LossMatrix.of(new double[10][200], 1);
        for (String name : new String[] {"naive", "crc", "crc-prefix", "ucb-hoeffding", "ucb-bentkus", "ucb-hb", "ucb-wsr",
                "ltt-fst", "ltt-bonferroni"}) {
            CalibrationResult r = REGISTRY.get(name).calibrate(zeros, 0.2, 0.1);
            assertThat(r.index()).as(name).isEqualTo(9);
            assertThat(r.feasible()).as(name).isTrue();
            assertThat(r.calibrationRisk()).as(name).isZero();
        }
    }

    @Test
    void everythingAboveEpsilonIsInfeasible() {
        LossMatrix high = rowsWithOnes(50, 15, 20, 25); // R̂ = 0.3, 0.4, 0.5 (0-1 losses, so every p-value applies)
        for (String name : REGISTRY.names()) {
            CalibrationResult r = REGISTRY.get(name).calibrate(high, 0.1, 0.1);
            assertThat(r.feasible()).as(name).isFalse();
            assertThat(r.index()).as(name).isZero();
            assertThat(REGISTRY.get(name).prepare(high, 0.1).selectIndex(0.1)).as(name).isEqualTo(-1);
        }
    }

    @Test
    void ucbIsTheEndOfTheRunBelowEpsilon() {
        // n = 100, rows with 0, 2, 20, 0 ones: Hoeffding margin sqrt(log(10)/200) = 0.1073
        LossMatrix m = rowsWithOnes(100, 0, 2, 20, 0);
        CalibrationResult r = new UcbController(new HoeffdingBound()).calibrate(m, 0.15, 0.1);
        double margin = Math.sqrt(Math.log(10) / 200);
        assertThat(r.statistic()).containsExactly(new double[] {margin, 0.02 + margin, 0.2 + margin, margin}, within(1e-12));
        // 0.107 < .15, 0.127 < .15, 0.307 fails: stop at 1 even though row 3 passes again
        assertThat(r.index()).isEqualTo(1);
        assertThat(r.controller()).isEqualTo("ucb-hoeffding");
    }

    @Test
    void ucbScalesBoundsBackByB() {
        // B = 2, losses 0 or 2: the clipped-and-scaled losses are Bernoulli; bound = 2 (R̂' + margin)
        double[][] l = new double[2][100];
        for (int i = 0; i < 10; i++) l[1][i] = 2;
        CalibrationResult r = new UcbController(new HoeffdingBound()).calibrate(LossMatrix.of(l, 2), 0.9, 0.1);
        assertThat(r.statistic()[1]).isCloseTo(2 * (0.1 + Math.sqrt(Math.log(10) / 200)), within(1e-12));
        assertThat(r.transform().describe()).isEqualTo("max(x,0)/2");
    }

    @Test
    void ucbWsrKeepsNegativeLossesAndRecordsNoTransform() {
        double[][] l = new double[2][100];
        for (int i = 0; i < 100; i++) l[1][i] = i % 2 == 0 ? -0.5 : 0.5;
        CalibrationResult r = REGISTRY.get("ucb-wsr").calibrate(LossMatrix.of(l, 1), 0.2, 0.1);
        assertThat(r.transform().describe()).isEqualTo("none");
        assertThat(r.index()).isEqualTo(1);
    }

    @Test
    void lttFixedSequenceAndBonferroni() {
        // n = 100. Row 1 has 5 ones: p_HB(0.05; 100, 0.1) = 0.1565 > δ = 0.1 -> FST stops at 0.
        LossMatrix m = rowsWithOnes(100, 0, 5, 0, 0);
        CalibrationResult fst = REGISTRY.get("ltt-fst").calibrate(m, 0.1, 0.1);
        assertThat(fst.statistic()[1]).isCloseTo(0.15651020427695356, within(1e-10));
        assertThat(fst.statistic()[0]).isCloseTo(Math.pow(0.9, 100), within(1e-15));
        assertThat(fst.index()).isEqualTo(0);
        assertThat(fst.statisticName()).isEqualTo("p_value");
        // Bonferroni: δ/K = 0.025 >= 0.9^100, so the last zero row (3) is rejected
        assertThat(REGISTRY.get("ltt-bonferroni").calibrate(m, 0.1, 0.1).index()).isEqualTo(3);
    }

    @Test
    void lttClipsNegativeLossesAndTestsEpsilonOverB() {
        // B = 2 with losses -2 (clipped to 0) and 2 (-> 1): 5 of 100 at the bound; ε = 0.2 -> ε' = 0.1
        double[][] l = new double[2][100];
        for (int i = 0; i < 100; i++) l[1][i] = i < 5 ? 2 : -2;
        CalibrationResult r = new LttController(new HoeffdingBentkusPValue(), new FixedSequenceTesting())
                .calibrate(LossMatrix.of(l, 2), 0.2, 0.1);
        assertThat(r.statistic()[1]).isCloseTo(0.15651020427695356, within(1e-10));
        assertThat(r.transform().describe()).isEqualTo("max(x,0)/2");
        assertThat(new LttController(new HoeffdingBentkusPValue(), new Bonferroni()).name()).isEqualTo("ltt-bonferroni");
    }

    @Test
    void selectIndexAgreesWithSelect() {
        LossMatrix m = rowsWithOnes(200, 0, 1, 3, 8, 15, 30, 10, 60);
        for (String name : REGISTRY.names()) {
            RiskController.Calibration c = REGISTRY.get(name).prepare(m, 0.1);
            for (double eps = 0.01; eps < 0.5; eps += 0.02) {
                CalibrationResult full = c.select(eps);
                int idx = c.selectIndex(eps);
                assertThat(Math.max(idx, 0)).as(name + " at " + eps).isEqualTo(full.index());
                assertThat(idx >= 0).as(name + " at " + eps).isEqualTo(full.feasible());
            }
        }
    }

    @Test
    void memoisedAnswersDoNotDependOnTheOrderOfEpsilons() {
        LossMatrix m = rowsWithOnes(300, 0, 2, 5, 9, 14, 20, 27, 35, 44, 54, 65, 77, 90, 104);
        double[] eps = {0.19, 0.02, 0.11, 0.05, 0.15, 0.08, 0.3, 0.01, 0.13, 0.07};
        for (String name : REGISTRY.names()) {
            RiskController.Calibration shared = REGISTRY.get(name).prepare(m, 0.1);
            for (double e : eps) {
                int fresh = REGISTRY.get(name).prepare(m, 0.1).select(e).index();
                assertThat(Math.max(shared.selectIndex(e), 0)).as(name + " at " + e).isEqualTo(fresh);
            }
        }
    }

    /**
     * UCB with the HB bound and LTT fixed-sequence testing with the HB p-value are the same test read two ways:
     * R̂⁺_HB(k) < ε exactly when p_HB(R̂(k); n, ε) < δ (ties aside). Two code paths, one answer.
     */
    @Test
    void ucbHbAndLttFstAgreeOnRandomLosses() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int rep = 0; rep < 20; rep++) {
            int n = 50 + rng.nextInt(300);
            double[][] l = new double[40][n];
            for (int k = 0; k < 40; k++) {
                for (int i = 0; i < n; i++) l[k][i] = rng.nextDouble() < 0.006 * k ? rng.nextDouble() * 2 - 0.5 : 0;
            }
            LossMatrix m = LossMatrix.of(l, 1.5);
            for (double eps = 0.02; eps < 0.4; eps += 0.03) {
                assertThat(REGISTRY.get("ucb-hb").calibrate(m, eps, 0.1).index())
                        .isEqualTo(REGISTRY.get("ltt-fst").calibrate(m, eps, 0.1).index());
            }
        }
    }

    @Test
    void conservativenessOrderOnTheSameData() {
        LossMatrix m = rowsWithOnes(1000, 0, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 120, 140);
        int naive = REGISTRY.get("naive").calibrate(m, 0.1, 0.1).index();
        int crc = REGISTRY.get("crc").calibrate(m, 0.1, 0.1).index();
        int wsr = REGISTRY.get("ucb-wsr").calibrate(m, 0.1, 0.1).index();
        int hoeffding = REGISTRY.get("ucb-hoeffding").calibrate(m, 0.1, 0.1).index();
        assertThat(naive).isGreaterThanOrEqualTo(crc);
        assertThat(crc).isGreaterThanOrEqualTo(wsr);
        assertThat(wsr).isGreaterThanOrEqualTo(hoeffding);
        assertThat(naive).isEqualTo(10); // R̂ = 0.09 < 0.1, 0.1 is not
    }

    @Test
    void badArgumentsAreNamed() {
        LossMatrix m = rowsWithOnes(10, 0, 1);
        RiskController crc = REGISTRY.get("crc");
        assertThatThrownBy(() -> crc.calibrate(m, 0, 0.1)).hasMessageContaining("epsilon").hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> crc.calibrate(m, 1.0, 0.1)).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> REGISTRY.get("ucb-wsr").calibrate(m, 0.1, 1.5)).hasMessageContaining("delta");
        assertThatThrownBy(() -> REGISTRY.get("ltt-fst").calibrate(m, 0.1, Double.NaN)).hasMessageContaining("delta");
        LossMatrix one = LossMatrix.of(new double[][] {{0}, {0}}, 1);
        assertThatThrownBy(() -> crc.calibrate(one, 0.1, 0.1)).hasMessageContaining("1 sample");
        assertThatThrownBy(() -> REGISTRY.get("nope")).hasMessageContaining("unknown controller 'nope'").hasMessageContaining("ucb-wsr");
    }

    /** Row k has ones[k] ones (spread evenly) among n zeros. */
    static LossMatrix rowsWithOnes(int n, int... ones) {
        double[][] m = new double[ones.length][n];
        for (int k = 0; k < ones.length; k++) {
            for (int j = 0; j < ones[k]; j++) m[k][(int) ((long) j * n / ones[k])] = 1;
        }
        return LossMatrix.of(m, 1);
    }
}
