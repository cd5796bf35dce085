package org.eennrc.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.eennrc.risk.ltt.BinomialPValue;
import org.eennrc.risk.ltt.Bonferroni;
import org.eennrc.risk.ltt.FixedSequenceTesting;
import org.eennrc.risk.ltt.HoeffdingBentkusPValue;
import org.junit.jupiter.api.Test;

/** LTT p-values and family-wise error procedures against hand-computed values (method.md §4). */
class PValuesTest {

    @Test
    void hoeffdingBentkusSanityValueFromTheSpec() {
        // p_HB(0.05; 100, 0.1) = min(exp(-100 h(0.05, 0.1)), e BinomCDF(5; 100, 0.1)) = min(0.1881, 0.1565)
        assertThat(HoeffdingBentkusPValue.pValue(0.05, 5, 100, 0.1)).isCloseTo(0.1565, within(5e-5));
        assertThat(HoeffdingBentkusPValue.pValue(0.05, 5, 100, 0.1)).isCloseTo(0.15651020427695356, within(1e-10));
    }

    @Test
    void hoeffdingBentkusAtZeroRiskIsTheHoeffdingTail() {
        // min(0.9^100, e 0.9^100) = 0.9^100
        BoundedSample zeros = new BoundedSample(new double[100], 1);
        assertThat(new HoeffdingBentkusPValue().pValue(zeros, 0.1)).isCloseTo(Math.pow(0.9, 100), within(1e-15));
    }

    @Test
    void riskAboveEpsilonGivesLargePValue() {
        double[] x = new double[100];
        Arrays.fill(x, 0, 20, 1.0);
        assertThat(new HoeffdingBentkusPValue().pValue(new BoundedSample(x, 1), 0.1)).isEqualTo(1.0);
    }

    @Test
    void ceilingOfNTimesRiskToleratesRounding() {
        // 100 losses of 0.07: the float sum is 7.000000000000001, whose plain ceiling would be 8.
        double[] x = new double[100];
        Arrays.fill(x, 0.07);
        BoundedSample s = new BoundedSample(x, 1);
        assertThat(s.sum()).isGreaterThan(7.0);
        assertThat(s.ceilCount()).isEqualTo(7);
        double expected = Math.min(Math.exp(-100 * (0.07 * Math.log(0.7) + 0.93 * Math.log(0.93 / 0.9))),
                Math.E * 0.20605086180401067);
        // BinomCDF(7; 100, 0.1) = 0.20605086180401067 (scipy.stats.binom.cdf)
        assertThat(new HoeffdingBentkusPValue().pValue(s, 0.1)).isCloseTo(expected, within(1e-8));
    }

    @Test
    void binomialPValueIsTheExactCdf() {
        double[] x = new double[100];
        for (int i = 0; i < 5; i++) x[i] = 1;
        assertThat(new BinomialPValue().pValue(new BoundedSample(x, 1), 0.1)).isCloseTo(0.05757688648703396, within(1e-10));
    }

    @Test
    void binomialPValueRefusesNonBinaryLosses() {
        double[] x = {0, 0.5, 1};
        assertThatThrownBy(() -> new BinomialPValue().pValue(new BoundedSample(x, 1), 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-1 losses").hasMessageContaining("0.5");
    }

    @Test
    void fixedSequenceStopsAtFirstNonRejection() {
        double[] p = {0.01, 0.05, 0.1, 0.2, 0.01, 0.01};
        assertThat(new FixedSequenceTesting().lastRejected(FwerProcedure.Hypotheses.of(k -> p[k], p.length), 0.1)).isEqualTo(2); // tie p = δ rejects
        assertThat(new FixedSequenceTesting().lastRejected(FwerProcedure.Hypotheses.of(k -> p[k], p.length), 0.04)).isEqualTo(0);
        assertThat(new FixedSequenceTesting().lastRejected(FwerProcedure.Hypotheses.of(k -> p[k], p.length), 0.001)).isEqualTo(-1);
    }

    @Test
    void fixedSequenceDoesNotEvaluatePastTheStop() {
        int[] calls = {0};
        new FixedSequenceTesting().lastRejected(FwerProcedure.Hypotheses.of(k -> {
            calls[0]++;
            return k < 3 ? 0.0 : 1.0;
        }, 100), 0.1);
        assertThat(calls[0]).isEqualTo(4);
    }

    @Test
    void bonferroniTakesLargestIndexBelowDeltaOverK() {
        double[] p = {0.001, 0.5, 0.02, 0.019, 0.5};
        // δ/K = 0.1/5 = 0.02: indices 0, 2 (tie) and 3 are rejected
        assertThat(new Bonferroni().lastRejected(FwerProcedure.Hypotheses.of(k -> p[k], p.length), 0.1)).isEqualTo(3);
        assertThat(new Bonferroni().lastRejected(FwerProcedure.Hypotheses.of(k -> p[k], p.length), 0.001)).isEqualTo(-1);
    }
}
