package org.eennrc.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.eennrc.risk.bounds.BentkusBound;
import org.eennrc.risk.bounds.HoeffdingBentkusBound;
import org.eennrc.risk.bounds.HoeffdingBound;
import org.eennrc.risk.bounds.WsrBound;
import org.junit.jupiter.api.Test;

/**
 * Upper bounds against values computed by hand from the method.md §4 formulas (reference values from an
 * independent NumPy/SciPy implementation: scipy.stats.binom and scipy.optimize.brentq).
 */
class BoundsTest {

    /** 100 losses in {0,1} with 5 ones: R̂ = 0.05. */
    private static BoundedSample fivePercent() {
        double[] x = new double[100];
        for (int i = 0; i < 5; i++) x[i * 20] = 1;
        return new BoundedSample(x, 1);
    }

    @Test
    void hoeffdingIsMeanPlusMargin() {
        // 0.05 + sqrt(log(10) / 200)
        assertThat(new HoeffdingBound().upperBound(fivePercent(), 0.1)).isCloseTo(0.15729830131446737, within(1e-12));
    }

    @Test
    void bentkusSolvesBinomialTail() {
        // e * BinomCDF(5; 100, r) = 0.1  at r = 0.10703077...
        assertThat(new BentkusBound().upperBound(fivePercent(), 0.1)).isCloseTo(0.10703077275749673, within(1e-8));
    }

    @Test
    void hoeffdingBentkusIsTheSmallerTail() {
        assertThat(new HoeffdingBentkusBound().upperBound(fivePercent(), 0.1)).isCloseTo(0.1070307727574968, within(1e-8));
    }

    @Test
    void allZeroLosses() {
        BoundedSample zeros = new BoundedSample(new double[100], 1);
        assertThat(new HoeffdingBound().upperBound(zeros, 0.1)).isCloseTo(Math.sqrt(Math.log(10) / 200), within(1e-12));
        // e (1 - r)^100 = δ
        assertThat(new BentkusBound().upperBound(zeros, 0.1)).isCloseTo(0.03248645185920063, within(1e-8));
        // (1 - r)^100 = δ is the smaller tail
        assertThat(new HoeffdingBentkusBound().upperBound(zeros, 0.1)).isCloseTo(0.022762779044190076, within(1e-8));
        assertThat(new WsrBound().upperBound(zeros, 0.1)).isCloseTo(0.02379759148115467, within(1e-8));
    }

    @Test
    void wsrOnAShortSequence() {
        double[] x = {0, 1, 0, 0, 0.5, 0, 0, 1, 0, 0.2, 0, 0, 0, 0.3, 0, 0, 0, 0, 1, 0};
        assertThat(new WsrBound().upperBound(new BoundedSample(x.clone(), 1), 0.1)).isCloseTo(0.3770002745429953, within(1e-8));
    }

    @Test
    void wsrOnBernoulliSequence() {
        String s = "0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,0,0,0,0,0,0,0,1,0,0,0,0,1,0,0,0,0,0,0,0,0,1,0,0,0,"
                + "0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,1,0,1,0,"
                + "0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,"
                + "0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,1,1,1,0,0,0,0,1,0,0,0,1,0,0,0";
        double[] x = Arrays.stream(s.split(",")).mapToDouble(Double::parseDouble).toArray();
        assertThat(x).hasSize(200);
        assertThat(new WsrBound().upperBound(new BoundedSample(x, 1), 0.1)).isCloseTo(0.14612215867391043, within(1e-8));
    }

    @Test
    void wsrTakesNegativeLossesAsTheyAre() {
        double[] base = {0.5, -0.5, 0.0, 1.0, -1.0, 0.0, 0.25, 0.0, 0.0, -0.25};
        double[] x = new double[50];
        for (int i = 0; i < 50; i++) x[i] = base[i % 10];
        assertThat(new WsrBound().transform(1).isIdentity()).isTrue();
        assertThat(new WsrBound().upperBound(new BoundedSample(x, 1), 0.1)).isCloseTo(0.17025239514101057, within(1e-8));
    }

    @Test
    void wsrWithBoundTwoCapsTheBetAtOneOverB() {
        double[] x = {0, 2, 0, 0, 1, 0, 0, 2, 0, 0.4, 0, 0, 0, 0.6, 0, 0, 0, 0, 2, 0};
        assertThat(new WsrBound().upperBound(new BoundedSample(x, 2), 0.1)).isCloseTo(0.7527450535770587, within(1e-8));
    }

    @Test
    void boundsThatNeedUnitLossesClipAndScale() {
        assertThat(new HoeffdingBound().transform(2).describe()).isEqualTo("max(x,0)/2");
        assertThat(new BentkusBound().transform(1).describe()).isEqualTo("max(x,0)");
        assertThat(new HoeffdingBentkusBound().transform(1).clipAtZero()).isTrue();
    }

    @Test
    void everythingAtTheBoundGivesTheBound() {
        double[] ones = new double[30];
        Arrays.fill(ones, 1.0);
        BoundedSample s = new BoundedSample(ones, 1);
        assertThat(new HoeffdingBound().upperBound(s, 0.1)).isEqualTo(1.0);
        assertThat(new BentkusBound().upperBound(s, 0.1)).isEqualTo(1.0);
        assertThat(new HoeffdingBentkusBound().upperBound(s, 0.1)).isEqualTo(1.0);
        assertThat(new WsrBound().upperBound(s, 0.1)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void boundsAreAboveTheMeanAndShrinkWithN() {
        for (UpperBound b : new UpperBound[] {new HoeffdingBound(), new BentkusBound(), new HoeffdingBentkusBound(), new WsrBound()}) {
            double small = b.upperBound(bernoulli(100, 10), 0.1);
            double large = b.upperBound(bernoulli(1000, 100), 0.1);
            assertThat(small).as(b.name()).isGreaterThan(0.1);
            assertThat(large).as(b.name()).isGreaterThan(0.1).isLessThan(small);
        }
    }

    private static BoundedSample bernoulli(int n, int ones) {
        double[] x = new double[n];
        for (int i = 0; i < ones; i++) x[(int) ((long) i * n / ones)] = 1;
        return new BoundedSample(x, 1);
    }
}
