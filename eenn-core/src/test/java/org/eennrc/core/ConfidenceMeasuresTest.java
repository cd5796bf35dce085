package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ConfidenceMeasuresTest {
    final float[] p = {0.5f, 0.3f, 0.2f};
    final ExitOutputs o = ExitOutputs.fromProbs(1, 1, 3, p, null);

    @Test
    void builtInsOnAHandMadeVector() {
        assertThat(ConfidenceMeasures.MAX_SOFTMAX.confidence(p)).isCloseTo(0.5, within(1e-7));
        assertThat(ConfidenceMeasures.TOP_DIFF.confidence(p)).isCloseTo(0.2, within(1e-7));
        assertThat(ConfidenceMeasures.ENTROPY.confidence(p)).isCloseTo(0.06276943678387048, within(1e-6));
        assertThat(ConfidenceMeasures.ENTROPY.confidence(new float[] {1f, 0f})).isEqualTo(1.0);
        assertThat(ConfidenceMeasures.ENTROPY.confidence(new float[] {0.5f, 0.5f})).isCloseTo(0, within(1e-12));
    }

    @Test
    void batchFormsAgreeWithPerVectorForms() {
        ExitOutputs r = Synthetic.outputs(3, 50, 4, 7, false);
        for (ConfidenceMeasure m : new ConfidenceMeasure[] {ConfidenceMeasures.MAX_SOFTMAX,
                ConfidenceMeasures.TOP_DIFF, ConfidenceMeasures.ENTROPY}) {
            double[] batch = m.confidences(r);
            ConfidenceMeasure plain = new ConfidenceMeasure() {
                @Override
                public String name() {
                    return "plain";
                }

                @Override
                public double confidence(float[] v) {
                    return m.confidence(v);
                }
            };
            assertThat(batch).as(m.name()).containsExactly(plain.confidences(r), within(1e-6));
        }
    }

    @Test
    void lookupByName() {
        assertThat(ConfidenceMeasures.byName("max-softmax")).isSameAs(ConfidenceMeasures.MAX_SOFTMAX);
        assertThat(ConfidenceMeasures.byName("Top_Diff")).isSameAs(ConfidenceMeasures.TOP_DIFF);
        assertThat(ConfidenceMeasures.names()).containsExactly("max-softmax", "top-diff", "entropy", "provided");
        assertThatThrownBy(() -> ConfidenceMeasures.byName("margin")).hasMessageContaining("unknown confidence measure")
                .hasMessageContaining("max-softmax");
    }

    @Test
    void providedNeedsAConfidenceArray() {
        assertThatThrownBy(() -> ConfidenceMeasures.PROVIDED.confidences(o)).hasMessageContaining("'confidence'");
        ExitOutputs w = ExitOutputs.builder(1, 1, 3).probs(p).confidence(new double[] {0.25}).build();
        assertThat(ConfidenceMeasures.PROVIDED.confidences(w)).containsExactly(0.25);
    }

    @Test
    void exitRuleIsStrict() {
        double[] c = {0.5, 0.9, 0.2, 0.2};
        assertThat(ExitRule.exit(c, 0, 2, 0.5)).isEqualTo(1);
        assertThat(ExitRule.exit(c, 0, 2, 0.49)).isEqualTo(0);
        assertThat(ExitRule.exit(c, 0, 2, 1.0)).isEqualTo(1);
        assertThat(ExitRule.exits(c, 2, 0.0)).containsExactly(0, 0);
        assertThat(ExitRule.exits(c, 2, 0.2)).containsExactly(0, 1);
    }
}
