package org.eennrc.risk.perexit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.ltt.FixedSequenceTesting;
import org.eennrc.risk.ltt.HoeffdingBentkusPValue;
import org.eennrc.risk.protocol.ProgressListener;
import org.eennrc.risk.protocol.ProtocolRow;
import org.eennrc.risk.protocol.ProtocolSettings;
import org.junit.jupiter.api.Test;

/** Per-exit thresholds and Pareto Testing (method.md §7): hand-computed cases and a seeded validity test. */
class ParetoTestingTest {

    private static final ParetoTesting PT =
            new ParetoTesting(new HoeffdingBentkusPValue(), new FixedSequenceTesting(), 0.5, 0);

    // ------------------------------------------------------------------ hand-computed

    /** Three samples, three exits, costs 1, 2, 4. */
    private static ExitTables small() {
        double[] conf = {0.9, 0.2, 0.0, //
                         0.3, 0.7, 0.0, //
                         0.5, 0.5, 0.0};
        double[] loss = {1, 0, 0, //
                         1, 1, 0, //
                         0, 1, 0};
        return ExitTables.of(3, loss, conf, new double[] {1, 2, 4}, 0, 1);
    }

    @Test
    void theExitRuleIsTheFirstExitStrictlyAboveItsOwnThreshold() {
        ExitTables t = small();
        assertThat(t.exit(0, new double[] {0.8, 0.1}, 0)).isEqualTo(0);
        assertThat(t.exit(1, new double[] {0.8, 0.1}, 0)).isEqualTo(1);
        assertThat(t.exit(2, new double[] {0.5, 0.5}, 0)).isEqualTo(2); // 0.5 > 0.5 is false at both
        assertThat(t.exit(2, new double[] {0.5, 0.49}, 0)).isEqualTo(1);
        assertThat(t.exit(0, new double[] {1, 1}, 0)).isEqualTo(2); // λ = 1: the full model
    }

    @Test
    void configurationStatsAreGatheredFromTheTables() {
        Configurations c = Configurations.of(new double[][] {{0.8, 0.1}, {1, 1}, {0.4, 0.6}}, 3);
        ConfigurationStats s = ConfigurationStats.of(small(), c);
        // (0.8, 0.1): exits 0, 1, 1 -> losses 1, 1, 1; costs 1, 2, 2
        // (1, 1): exits 2, 2, 2 -> 0; cost 4
        // (0.4, 0.6): exits 0, 1, 0 -> losses 1, 1, 0; costs 1, 2, 1
        assertThat(s.risk()).containsExactly(1.0, 0.0, 2.0 / 3);
        assertThat(s.cost()).containsExactly(5.0 / 3, 4.0, 4.0 / 3);
        assertThat(ConfigurationStats.losses(small(), c, 2)).containsExactly(1, 1, 0);
    }

    @Test
    void pooledStatsEqualTheDirectSumOnEverySample() {
        ExitTables t = pool(9).subset(java.util.stream.IntStream.range(0, 3000).toArray());
        Configurations c = family();
        ConfigurationStats s = ConfigurationStats.of(t, c);
        for (int m = 0; m < c.size(); m += 7) {
            double[] l = ConfigurationStats.losses(t, c, m);
            double sum = 0;
            double cost = 0;
            for (int i = 0; i < l.length; i++) {
                sum += l[i];
                cost += t.cost(t.exit(i, c.thresholds(m), 0));
            }
            assertThat(s.risk()[m]).as("risk of %d", m).isCloseTo(sum / l.length, within(1e-12));
            assertThat(s.cost()[m]).as("cost of %d", m).isCloseTo(cost / l.length, within(1e-9));
        }
    }

    @Test
    void theFrontIsOrderedByTheClippedLossesThePValuesTest() {
        // 100 identical samples; exit 0 has gap loss -1 on half of them and +1 on the other half (raw mean 0, clipped
        // 0.5); exit 1 has loss 0.1 (raw and clipped). Raw ranking would put (0.5, ·) first; clipped ranking puts the
        // full model, then (1, 0.5), and the test at eps 0.3 certifies (1, 0.5) but never (0.5, ·).
        int n = 100;
        double[] conf = new double[n * 3];
        double[] loss = new double[n * 3];
        for (int i = 0; i < n; i++) {
            conf[i * 3] = 0.6;
            conf[i * 3 + 1] = 0.8;
            loss[i * 3] = i % 2 == 0 ? -1 : 1;
            loss[i * 3 + 1] = 0.1;
        }
        ExitTables t = ExitTables.of(3, loss, conf, new double[] {1, 2, 3}, -1, 1);
        Configurations c = Configurations.product(new double[] {0.5, 1}, 3); // (.5,.5) (.5,1) (1,.5) (1,1)
        PerExitResult r = PT.prepare(t, c, 0.1).select(0.3);
        assertThat(r.path()[0]).isEqualTo(3);
        assertThat(r.path()[1]).isEqualTo(2);
        assertThat(r.configuration()).isEqualTo(2);
    }

    @Test
    void theParetoFrontRunsFromSafestToCheapest() {
        double[] risk = {0.10, 0.05, 0.10, 0.20, 0.00, 0.05, 0.30};
        double[] cost = {5, 6, 4, 3, 10, 6, 3};
        // 4 (0, 10) -> 1 (0.05, 6; 5 is its duplicate) -> 0 (0.1, 5) -> 2 (0.1, 4; the tie, more expensive first)
        // -> 3 (0.2, 3); 6 is dominated by 3
        assertThat(ParetoFront.path(risk, cost)).containsExactly(4, 1, 0, 2, 3);
        // a plateau of risk 0 is walked from its expensive end
        assertThat(ParetoFront.path(new double[] {0, 0, 0, 0.1}, new double[] {2, 4, 3, 1})).containsExactly(1, 2, 0, 3);
    }

    @Test
    void productAndSampledFamilies() {
        Configurations p = Configurations.product(new double[] {1, 0, 0.5}, 3);
        assertThat(p.size()).isEqualTo(9);
        assertThat(p.thresholds(0)).containsExactly(0, 0);
        assertThat(p.thresholds(1)).containsExactly(0, 0.5);
        assertThat(p.thresholds(8)).containsExactly(1, 1);
        double[] grid = new double[21];
        for (int i = 0; i <= 20; i++) grid[i] = i / 20.0;
        assertThat(Configurations.of(grid, 4, 10_000, 1).size()).isEqualTo(9261); // 21^3 <= 10,000: the product
        Configurations s = Configurations.of(grid, 6, 500, 7);
        assertThat(s.size()).isEqualTo(500 + 21); // the sample plus the diagonal
        for (int v = 0; v <= 20; v++) assertThat(s.thresholds(v)).containsOnly(v / 20.0);
        assertThat(Arrays.stream(new int[s.size()]).map(i -> 0).count()).isEqualTo(521);
        long distinct = java.util.stream.IntStream.range(0, s.size()).mapToObj(m -> Arrays.toString(s.thresholds(m)))
                .distinct().count();
        assertThat(distinct).isEqualTo(521);
        Configurations again = Configurations.of(grid, 6, 500, 7);
        for (int m = 0; m < s.size(); m++) assertThat(again.thresholds(m)).containsExactly(s.thresholds(m));
        assertThatThrownBy(() -> Configurations.of(new double[] {0.5, 1.2}, 3, 100, 0))
                .hasMessageContaining("1.2 is outside [0, 1]");
    }

    /**
     * 200 identical samples: confidences (0.6, 0.8, ·), losses (0.3, 0.05, 0), costs 1, 2, 3, configurations
     * {0.5, 1}². On any split D_opt gives the path (1, 1) [risk 0] → (1, 0.5) [0.05] → (0.5, ·) [0.3], and D_test has
     * 100 samples, so the p-values are p_HB(0; 100, 0.1) = 0.9^100 = 2.66e-5, p_HB(0.05; 100, 0.1) = 0.1565 (method.md
     * §4) and p_HB(0.3; 100, 0.1) = 1.
     */
    @Test
    void theWholeProcedureOnAHandComputedCase() {
        int n = 200;
        double[] conf = new double[n * 3];
        double[] loss = new double[n * 3];
        for (int i = 0; i < n; i++) {
            conf[i * 3] = 0.6;
            conf[i * 3 + 1] = 0.8;
            loss[i * 3] = 0.3;
            loss[i * 3 + 1] = 0.05;
        }
        ExitTables t = ExitTables.of(3, loss, conf, new double[] {1, 2, 3}, 0, 1);
        Configurations c = Configurations.product(new double[] {0.5, 1}, 3); // (.5,.5) (.5,1) (1,.5) (1,1)
        PerExitResult r = PT.prepare(t, c, 0.2).select(0.1);
        assertThat(r.path()).containsExactly(3, 2, 0);
        assertThat(r.pValues()[0]).isCloseTo(Math.pow(0.9, 100), within(1e-9));
        assertThat(r.pValues()[1]).isCloseTo(0.1565, within(5e-5));
        assertThat(r.pValues()[2]).isEqualTo(1.0);
        assertThat(r.nOpt()).isEqualTo(100);
        assertThat(r.nTest()).isEqualTo(100);
        assertThat(r.configuration()).isEqualTo(2);
        assertThat(r.thresholds()).containsExactly(1, 0.5);
        assertThat(r.rejected()).isEqualTo(2);
        assertThat(r.feasible()).isTrue();
        assertThat(r.calibrationRisk()).isCloseTo(0.05, within(1e-12));
        assertThat(r.optCost()).isEqualTo(2.0);
        assertThat(r.guarantee()).isEqualTo(Guarantee.HIGH_PROBABILITY);
        // at δ = 0.1 the second p-value (0.1565) is not rejected: only the safest configuration, all thresholds 1
        PerExitResult s = PT.prepare(t, c, 0.1).select(0.1);
        assertThat(s.configuration()).isEqualTo(3);
        assertThat(s.thresholds()).containsExactly(1, 1);
        assertThat(s.rejected()).isEqualTo(1);
        // at ε = 0.001 nothing is rejected, not even risk 0 (0.999^100 = 0.905 > 0.1): the full model
        PerExitResult u = PT.prepare(t, c, 0.1).select(0.001);
        assertThat(u.feasible()).isFalse();
        assertThat(u.configuration()).isEqualTo(-1);
        assertThat(u.thresholds()).containsExactly(1, 1);
        assertThat(PT.prepare(t, c, 0.1).selectIndex(0.001)).isEqualTo(-1);
        assertThat(PT.prepare(t, c, 0.2).selectIndex(0.1)).isEqualTo(2);
    }

    @Test
    void theSplitIsSeededAndDisjoint() {
        int[][] a = PT.splitIndices(11);
        assertThat(a[0]).hasSize(6); // round(5.5)
        assertThat(a[1]).hasSize(5);
        int[] all = new int[11];
        for (int i : a[0]) all[i]++;
        for (int i : a[1]) all[i]++;
        assertThat(all).containsOnly(1);
        assertThat(PT.splitIndices(11)[0]).containsExactly(a[0]);
        assertThat(PT.withSplit(0.5, 1).splitIndices(11)[0]).isNotEqualTo(a[0]);
    }

    @Test
    void badInputIsRefusedWithItsName() {
        assertThatThrownBy(() -> ExitTables.of(2, new double[] {0, 1.5}, new double[] {0.5, 0.5}, new double[] {1, 2},
                0, 1)).hasMessageContaining("loss of sample 0 at exit 1 is 1.5");
        assertThatThrownBy(() -> ExitTables.of(2, new double[] {0, 0}, new double[] {0.5, Double.NaN},
                new double[] {1, 2}, 0, 1)).hasMessageContaining("confidence of sample 0 at exit 1 is NaN");
        assertThatThrownBy(() -> ExitTables.of(2, new double[] {0, 0}, new double[] {0.5}, new double[] {1, 2}, 0, 1))
                .hasMessageContaining("N x L");
        assertThatThrownBy(() -> new ParetoTesting(new HoeffdingBentkusPValue(), new FixedSequenceTesting(), 1, 0))
                .hasMessageContaining("split fraction");
        assertThatThrownBy(() -> PT.prepare(small(), Configurations.product(new double[] {0.5}, 4), 0.1))
                .hasMessageContaining("4 exits");
    }

    @Test
    void theRegistryComposesEveryProcedureAndPValue() {
        ControllerRegistry reg = ControllerRegistry.create();
        assertThat(reg.perExitNames()).containsExactly("pareto-ltt", "pareto-ltt-bonferroni",
                "pareto-ltt-bonferroni-binomial", "pareto-ltt-fst-binomial");
        assertThat(reg.perExit("pareto-ltt-fst-binomial", 0.3, 5).name()).isEqualTo("pareto-ltt-fst-binomial");
        assertThat(reg.perExit("pareto-ltt", 0.3, 5).split()).isEqualTo(0.3);
        assertThat(reg.isPerExit("pareto-ltt")).isTrue();
        assertThat(reg.isPerExit("ltt-fst")).isFalse();
        assertThatThrownBy(() -> reg.perExit("pareto-nope", 0.5, 0)).hasMessageContaining("known: pareto-ltt");
    }

    /**
     * Per-exit and shared-λ controllers are compared on the same splits: with the family reduced to the shared-λ
     * diagonal and both sides picking the same configuration per ε, the two protocols report the same test risk,
     * cost and saving (they would not on different test sets).
     */
    @Test
    void thePerExitProtocolUsesTheSharedProtocolsSplits() {
        ExitTables pool = pool(4).subset(java.util.stream.IntStream.range(0, 2000).toArray());
        double[] lambdas = {1, 0.8, 0.6, 0.4, 0.2};
        double[][] diag = new double[lambdas.length][4];
        for (int k = 0; k < lambdas.length; k++) Arrays.fill(diag[k], lambdas[k]);
        Configurations c = Configurations.of(diag, 5);
        double[][] loss = new double[lambdas.length][];
        double[][] cost = new double[lambdas.length][pool.numSamples()];
        for (int k = 0; k < lambdas.length; k++) {
            loss[k] = ConfigurationStats.losses(pool, c, k);
            for (int i = 0; i < pool.numSamples(); i++) cost[k][i] = pool.cost(pool.exit(i, diag[k], 0));
        }
        double[] eps = {0.05, 0.1, 0.2};
        java.util.function.DoubleToIntFunction pick = e -> (int) Math.round(e * 20); // 1, 2, 4
        org.eennrc.risk.RiskController shared = new org.eennrc.risk.RiskController() {
            public String name() {
                return "fixed";
            }

            public Guarantee guarantee() {
                return Guarantee.NONE;
            }

            public Calibration prepare(org.eennrc.risk.LossMatrix cal, double delta) {
                return new Calibration() {
                    public int selectIndex(double e) {
                        return pick.applyAsInt(e);
                    }

                    public org.eennrc.risk.CalibrationResult select(double e) {
                        throw new UnsupportedOperationException();
                    }
                };
            }
        };
        PerExitController perExit = new PerExitController() {
            public String name() {
                return "fixed";
            }

            public Guarantee guarantee() {
                return Guarantee.NONE;
            }

            public Calibration prepare(ExitTables cal, Configurations configs, double delta) {
                return new Calibration() {
                    public int selectIndex(double e) {
                        return pick.applyAsInt(e);
                    }

                    public int selectPosition(double e) {
                        return pick.applyAsInt(e);
                    }

                    public PerExitResult select(double e) {
                        throw new UnsupportedOperationException();
                    }
                };
            }
        };
        ProtocolSettings settings = new ProtocolSettings(eps, DELTA, 300, 20, 9);
        List<ProtocolRow> a = org.eennrc.risk.protocol.Protocol.run(org.eennrc.risk.LossMatrix.of(loss, 0, 1),
                org.eennrc.risk.protocol.EfficiencyTable.perSample(cost), List.of(shared), settings,
                ProgressListener.NONE);
        List<ProtocolRow> b = PerExitProtocol.run(pool, c, List.of(perExit), settings, ProgressListener.NONE);
        for (int e = 0; e < eps.length; e++) {
            assertThat(b.get(e).meanRisk()).isCloseTo(a.get(e).meanRisk(), within(1e-12));
            assertThat(b.get(e).sdRisk()).isCloseTo(a.get(e).sdRisk(), within(1e-12));
            assertThat(b.get(e).meanEfficiency()).isCloseTo(a.get(e).meanEfficiency(), within(1e-9));
            assertThat(b.get(e).relativeSaving()).isCloseTo(a.get(e).relativeSaving(), within(1e-12));
            assertThat(b.get(e).violationRate()).isEqualTo(a.get(e).violationRate());
        }
        assertThat(a.get(2).sdRisk()).as("the test risk varies over the splits").isPositive();
    }

    // ------------------------------------------------------------------ validity

    private static final int TRIALS = 300;
    private static final double DELTA = 0.1;
    private static final double[] EPSILONS = {0.05, 0.1};

    /**
     * A pool whose exits differ: five exits, exit l errs with probability a_l (1 − c_l), a = (0.5, 0.4, 0.3, 0.2),
     * independently given the confidences, which are uniform; the last exit has loss 0. The family is a seeded sample
     * of 1,000 configurations of {0, 0.05, …, 1}⁴ plus the diagonal: their losses are noisy in partly independent
     * ways, so choosing among them on the tested data is visibly optimistic.
     */
    static ExitTables pool(long seed) {
        int n = 5_000;
        int l = 5;
        double[] a = {0.5, 0.4, 0.3, 0.2};
        SplittableRandom rng = new SplittableRandom(seed);
        double[] conf = new double[n * l];
        double[] loss = new double[n * l];
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < l - 1; e++) {
                double c = rng.nextDouble();
                conf[i * l + e] = c;
                loss[i * l + e] = rng.nextDouble() < a[e] * (1 - c) ? 1 : 0;
            }
        }
        return ExitTables.of(l, loss, conf, new double[] {1, 2, 3, 4, 5}, 0, 1);
    }

    static Configurations family() {
        double[] g = new double[21];
        for (int i = 0; i <= 20; i++) g[i] = i / 20.0;
        return Configurations.of(g, 5, 1000, 1);
    }

    /** The broken variant: the Pareto front chosen on the whole calibration set, then tested on that same set. */
    static final PerExitController SAME_DATA = new PerExitController() {
        public String name() {
            return "pareto-same-data";
        }

        public Guarantee guarantee() {
            return Guarantee.HIGH_PROBABILITY;
        }

        public Calibration prepare(ExitTables cal, Configurations configs, double delta) {
            ConfigurationStats s = ConfigurationStats.of(cal, configs);
            int[] path = ParetoFront.path(s.risk(), s.cost());
            return PT.testAlong(cal, cal.numSamples(), cal, configs, path, s.cost(), delta);
        }
    };

    @Test
    void violationRateStaysBelowDeltaAndTheSameDataVariantBreaksIt() {
        ExitTables pool = pool(3);
        List<ProtocolRow> rows = PerExitProtocol.run(pool, family(), List.of(PT, SAME_DATA),
                new ProtocolSettings(EPSILONS, DELTA, 100, TRIALS, 11), ProgressListener.NONE);
        double limit = DELTA + 3 * Math.sqrt(DELTA * (1 - DELTA) / TRIALS);
        double worstBroken = 0;
        for (ProtocolRow r : rows) {
            if (r.controller().equals("pareto-ltt")) {
                assertThat(r.violationRate()).as("pareto-ltt at eps %s", r.epsilon()).isLessThanOrEqualTo(limit);
                if (r.epsilon() == 0.1) assertThat(r.relativeSaving()).as("it does exit early").isGreaterThan(0.05);
            } else {
                worstBroken = Math.max(worstBroken, r.violationRate());
            }
        }
        // the same check catches the variant that chooses and tests on the same data
        assertThat(worstBroken).as("violation rate of the same-data variant").isGreaterThan(limit);
    }
}
