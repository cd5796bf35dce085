package org.eennrc.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.eennrc.risk.controllers.UcbController;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.protocol.EfficiencyTable;
import org.eennrc.risk.protocol.Protocol;
import org.eennrc.risk.protocol.ProtocolRow;
import org.eennrc.risk.protocol.ProtocolSettings;
import org.eennrc.risk.protocol.ProgressListener;
import org.eennrc.risk.controllers.LttController;
import org.eennrc.risk.ltt.FixedSequenceTesting;
import org.eennrc.risk.ltt.HoeffdingBentkusPValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Seeded validity tests (method.md §3, §5): synthetic pools with a known risk curve, split at random into calibration
 * and test sets 500 times by the evaluation protocol itself.
 *
 * <ul>
 *   <li>High-probability controllers (UCB, LTT): violation rate P(test risk > ε) ≤ δ + 3 binomial standard
 *       errors.</li>
 *   <li>CRC: mean test risk ≤ ε + 3 standard errors of the mean.</li>
 * </ul>
 *
 * The risk curves rise smoothly through every ε tested, so a controller that is even moderately
 * anti-conservative lands above ε often; {@link #theTestsCatchAntiConservativeControllers} shows that these same
 * checks fail for the naive rule and for controllers broken by hand.
 */
class ValidityTest {

    private static final ControllerRegistry REGISTRY = ControllerRegistry.create();
    private static final int TRIALS = 500;
    private static final double DELTA = 0.1;
    private static final double[] EPSILONS = {0.05, 0.1, 0.15};
    private static final int N_CAL = 300;

    /** Nested 0-1 losses: loss[k][i] = 1[u_i < r_k] with r_k = 0.4 k / K, so the risk is monotone per sample. */
    static LossMatrix binaryPool(long seed) {
        int n = 20_000;
        int k = 101;
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] l = new double[k][n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            for (int j = 0; j < k; j++) l[j][i] = u < 0.4 * j / (k - 1) ? 1 : 0;
        }
        return LossMatrix.of(l, 1);
    }

    /**
     * Gap losses in {−1, 0, 1}, like the prediction gap: 1[u_i < a_k] − 1[v_i < b_k] with a_k = 0.5 k/K and
     * b_k = 0.2 k/K, so R(k) = 0.3 k/K and about a sixth of the non-zero losses are negative.
     */
    static LossMatrix gapPool(long seed) {
        int n = 20_000;
        int k = 101;
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] l = new double[k][n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            double v = rng.nextDouble();
            for (int j = 0; j < k; j++) {
                double t = (double) j / (k - 1);
                l[j][i] = (u < 0.5 * t ? 1 : 0) - (v < 0.2 * t ? 1 : 0);
            }
        }
        return LossMatrix.of(l, 1);
    }

    static List<ProtocolRow> run(LossMatrix pool, List<RiskController> controllers, long seed) {
        double[] eff = new double[pool.numLambdas()];
        for (int k = 0; k < eff.length; k++) eff[k] = eff.length - k;
        return Protocol.run(pool, EfficiencyTable.perLambda(eff), controllers,
                new ProtocolSettings(EPSILONS, DELTA, N_CAL, TRIALS, seed), ProgressListener.NONE);
    }

    static double maxViolationRate() {
        return DELTA + 3 * Math.sqrt(DELTA * (1 - DELTA) / TRIALS);
    }

    /** True when the high-probability guarantee holds in every row (within 3 standard errors). */
    static boolean highProbabilityHolds(List<ProtocolRow> rows) {
        return rows.stream().allMatch(r -> r.violationRate() <= maxViolationRate());
    }

    /** True when the expectation guarantee holds in every row (within 3 standard errors). */
    static boolean expectationHolds(List<ProtocolRow> rows) {
        return rows.stream().allMatch(r -> r.meanRisk() <= r.epsilon() + 3 * r.sdRisk() / Math.sqrt(r.trials()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ucb-hoeffding", "ucb-bentkus", "ucb-hb", "ucb-wsr", "ltt-fst", "ltt-bonferroni", "ltt-fst-binomial"})
    void highProbabilityControllersOnBinaryLosses(String name) {
        List<ProtocolRow> rows = run(binaryPool(1), List.of(REGISTRY.get(name)), 11);
        for (ProtocolRow r : rows) {
            assertThat(r.violationRate()).as(name + " at eps " + r.epsilon()).isLessThanOrEqualTo(maxViolationRate());
        }
        // and the guarantee is not bought by never exiting early
        assertThat(rows.get(rows.size() - 1).relativeSaving()).as(name + " saves something at eps 0.15").isGreaterThan(0.1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ucb-hoeffding", "ucb-bentkus", "ucb-hb", "ucb-wsr", "ltt-fst", "ltt-bonferroni"})
    void highProbabilityControllersOnGapLossesWithNegatives(String name) {
        List<ProtocolRow> rows = run(gapPool(2), List.of(REGISTRY.get(name)), 12);
        assertThat(highProbabilityHolds(rows)).as(name + ": " + rows).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"crc", "crc-prefix"})
    void crcControlsTheMeanRisk(String name) {
        for (LossMatrix pool : List.of(binaryPool(3), gapPool(4))) {
            List<ProtocolRow> rows = run(pool, List.of(REGISTRY.get(name)), 13);
            for (ProtocolRow r : rows) {
                assertThat(r.meanRisk()).as(name + " at eps " + r.epsilon())
                        .isLessThanOrEqualTo(r.epsilon() + 3 * r.sdRisk() / Math.sqrt(r.trials()));
                // and it is not trivially conservative: the mean risk is within 0.03 of the target
                assertThat(r.meanRisk()).isGreaterThan(r.epsilon() - 0.03);
            }
        }
    }

    /** The checks above have power: they fail for controllers that are anti-conservative. */
    @Test
    void theTestsCatchAntiConservativeControllers() {
        LossMatrix pool = binaryPool(1);
        // the naive rule has no guarantee
        assertThat(highProbabilityHolds(run(pool, List.of(REGISTRY.get("naive")), 11))).isFalse();
        // UCB broken by hand: the empirical risk passed off as an upper bound
        UpperBound plugIn = new UpperBound() {
            public String name() {
                return "plug-in";
            }

            public LossTransform transform(double lossBound) {
                return LossTransform.NONE;
            }

            public double upperBound(BoundedSample s, double delta) {
                return s.mean();
            }
        };
        assertThat(highProbabilityHolds(run(pool, List.of(new UcbController(plugIn)), 11))).isFalse();
        // WSR with δ off by a factor 5 (a plausible bug: δ/K vs δ·K, or a wrong log) must be caught as well
        UpperBound wsr = REGISTRY.get("ucb-wsr") instanceof UcbController ? new org.eennrc.risk.bounds.WsrBound() : null;
        UpperBound looseWsr = new UpperBound() {
            public String name() {
                return "wsr-delta-times-5";
            }

            public LossTransform transform(double lossBound) {
                return LossTransform.NONE;
            }

            public double upperBound(BoundedSample s, double delta) {
                return wsr.upperBound(s, Math.min(0.99, 5 * delta));
            }
        };
        assertThat(highProbabilityHolds(run(pool, List.of(new UcbController(looseWsr)), 11))).isFalse();
        // LTT broken by hand: p-values ten times too small
        PValue tooSmall = new PValue() {
            public String name() {
                return "hb-over-10";
            }

            public double pValue(BoundedSample s, double epsilon) {
                return new HoeffdingBentkusPValue().pValue(s, epsilon) / 10;
            }
        };
        assertThat(highProbabilityHolds(run(pool, List.of(new LttController(tooSmall, new FixedSequenceTesting())), 11)))
                .isFalse();
        // CRC broken by hand: the correction B/(n+1) subtracted instead of added, i.e. ε inflated by 2B/(n+1)
        RiskController crc = REGISTRY.get("crc");
        RiskController signBug = new RiskController() {
            public String name() {
                return "crc-sign-bug";
            }

            public Guarantee guarantee() {
                return Guarantee.EXPECTATION;
            }

            public Calibration prepare(LossMatrix cal, double delta) {
                Calibration c = crc.prepare(cal, delta);
                double shift = 2 * cal.upperBound() / (cal.numSamples() + 1);
                return new Calibration() {
                    public int selectIndex(double epsilon) {
                        return c.selectIndex(epsilon + shift);
                    }

                    public CalibrationResult select(double epsilon) {
                        return c.select(epsilon + shift);
                    }
                };
            }
        };
        assertThat(expectationHolds(run(pool, List.of(crc), 13))).isTrue();
        assertThat(expectationHolds(run(pool, List.of(signBug), 13))).isFalse();
    }
}
