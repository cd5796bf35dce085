package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Each risk on a hand-made example: N = 2, L = 2, C = 3. */
class RisksTest {
    static final float[] PROBS = {
        0.5f, 0.3f, 0.2f, /* sample 0, exit 1 */ 0.1f, 0.8f, 0.1f, // sample 0, exit 2 (last)
        0.2f, 0.2f, 0.6f, /* sample 1, exit 1 */ 0f, 0f, 1f // sample 1, exit 2 (last)
    };
    static final ExitOutputs O = ExitOutputs.fromProbs(2, 2, 3, PROBS, new int[] {1, 0});

    static double[] losses(Risk r) {
        return r.perExitLosses(O);
    }

    @Test
    void predictionGap() {
        // s0: ŷ1 = 0 wrong, ŷL = 1 right -> 1; s1: both predict 2, label 0 -> 0
        assertThat(losses(Risks.PREDICTION_GAP)).containsExactly(1, 0, 0, 0);
        assertThat(Risks.PREDICTION_GAP.lowerBound()).isEqualTo(-1);
        assertThat(Risks.PREDICTION_GAP.upperBound()).isEqualTo(1);
        assertThat(Risks.PREDICTION_GAP.needsLabels()).isTrue();
    }

    @Test
    void brierGap() {
        // s0: ‖(.5,-.7,.2)‖² - ‖(.1,-.2,.1)‖² = .78 - .06; s1: ‖(-.8,.2,.6)‖² - ‖(-1,0,1)‖² = 1.04 - 2
        assertThat(losses(Risks.BRIER_GAP)).containsExactly(new double[] {0.72, 0, -0.96, 0}, within(1e-6));
        assertThat(Risks.BRIER_GAP.upperBound()).isEqualTo(2);
        assertThat(Risks.BRIER_GAP.lowerBound()).isEqualTo(-2);
        assertThat(Risks.BRIER_GAP.aboutDistribution()).isTrue();
    }

    @Test
    void predictionConsistency() {
        assertThat(losses(Risks.PREDICTION_CONSISTENCY)).containsExactly(1, 0, 0, 0);
        assertThat(Risks.PREDICTION_CONSISTENCY.needsLabels()).isFalse();
        assertThat(Risks.PREDICTION_CONSISTENCY.lowerBound()).isEqualTo(0);
    }

    @Test
    void brierConsistency() {
        // s0: ŷL = 1 -> same as the gap, .72; s1: ŷL = 2: ‖(.2,.2,-.4)‖² - 0 = .24
        assertThat(losses(Risks.BRIER_CONSISTENCY)).containsExactly(new double[] {0.72, 0, 0.24, 0}, within(1e-6));
    }

    @Test
    void hellingerConsistency() {
        double[] l = losses(Risks.HELLINGER_CONSISTENCY);
        assertThat(l).containsExactly(new double[] {0.38088567504708803, 0, 0.4747666066168898, 0}, within(1e-6));
        assertThat(Risks.HELLINGER_CONSISTENCY.loss(O, 1, 0)).isCloseTo(0.4747666066168898, within(1e-6));
        assertThat(Risks.HELLINGER_CONSISTENCY.upperBound()).isEqualTo(1);
    }

    @Test
    void perSampleAndBatchFormsAgree() {
        ExitOutputs r = Synthetic.outputs(11, 40, 3, 6, true);
        for (Risk risk : Risks.all()) {
            double[] batch = risk.perExitLosses(r);
            for (int i = 0; i < 40; i++) {
                for (int e = 0; e < 3; e++) {
                    assertThat(batch[i * 3 + e]).as(risk.name()).isCloseTo(risk.loss(r, i, e), within(1e-6));
                }
                assertThat(batch[i * 3 + 2]).isEqualTo(0.0);
            }
        }
    }

    @Test
    void labelledRiskOnUnlabelledOutputsIsAClearError() {
        ExitOutputs u = ExitOutputs.fromProbs(2, 2, 3, PROBS, null);
        assertThatThrownBy(() -> Risks.BRIER_GAP.perExitLosses(u)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'brier-gap' needs labels").hasMessageContaining("prediction-consistency");
        assertThat(Risks.HELLINGER_CONSISTENCY.perExitLosses(u)).hasSize(4);
    }

    @Test
    void lookupByName() {
        assertThat(Risks.names()).containsExactly("prediction-gap", "brier-gap", "prediction-consistency",
                "brier-consistency", "hellinger-consistency");
        assertThat(Risks.byName("Brier_Gap")).isSameAs(Risks.BRIER_GAP);
        assertThatThrownBy(() -> Risks.byName("top1")).hasMessageContaining("unknown risk 'top1'");
    }
}
