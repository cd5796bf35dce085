package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExitOutputsTest {

    @Test
    void softmaxOfLogitsIsStableAndSumsToOne() {
        float[] logits = {1000f, 1001f, 999f, 0f, 0f, 0f};
        ExitOutputs o = ExitOutputs.fromLogits(1, 2, 3, logits, new int[] {1});
        double z = Math.exp(-1) + 1 + Math.exp(-2);
        assertThat(o.prob(0, 0, 1)).isCloseTo((float) (1 / z), within(1e-6f));
        assertThat(o.prob(0, 1, 2)).isCloseTo(1f / 3, within(1e-6f));
        assertThat(o.prediction(0, 0)).isEqualTo(1);
        assertThat(o.prediction(0, 1)).isEqualTo(0); // ties: lowest index, like numpy.argmax
        assertThat(logits[0]).isEqualTo(1000f); // caller's logits untouched
        ExitOutputs d = ExitOutputs.builder(1, 2, 3).logits(new double[] {1000, 1001, 999, 0, 0, 0}).build();
        assertThat(d.prob(0, 0, 1)).isCloseTo(o.prob(0, 0, 1), within(1e-7f));
    }

    @Test
    void cachesTopTwoAndSumOfSquares() {
        ExitOutputs o = ExitOutputs.fromProbs(1, 1, 4, new float[] {0.1f, 0.5f, 0.3f, 0.1f}, null);
        assertThat(o.topProbability(0, 0)).isCloseTo(0.5, within(1e-7));
        assertThat(o.secondProbability(0, 0)).isCloseTo(0.3, within(1e-7));
        assertThat(o.sumOfSquares(0, 0)).isCloseTo(0.01 + 0.25 + 0.09 + 0.01, within(1e-6));
        assertThat(o.hasLabels()).isFalse();
    }

    @Test
    void probsThatDoNotSumToOneNameSampleAndExit() {
        float[] p = {0.5f, 0.5f, 0.2f, 0.7f, 0.3f, 0.7f, 0.1f, 0.1f};
        assertThatThrownBy(() -> ExitOutputs.fromProbs(2, 2, 2, p, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample 0 at exit 1").hasMessageContaining("sum to 0.89").hasMessageContaining("not 1");
    }

    @Test
    void probsOutsideUnitIntervalOrNaNAreRejected() {
        assertThatThrownBy(() -> ExitOutputs.fromProbs(1, 1, 2, new float[] {1.5f, -0.5f}, null))
                .hasMessageContaining("sample 0 at exit 0, class 0").hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> ExitOutputs.fromProbs(1, 1, 2, new float[] {Float.NaN, 1f}, null))
                .hasMessageContaining("NaN");
    }

    @Test
    void smallRoundingIsRenormalised() {
        ExitOutputs o = ExitOutputs.fromProbs(1, 1, 2, new float[] {0.5004f, 0.5f}, null);
        assertThat(o.prob(0, 0, 0) + o.prob(0, 0, 1)).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void nanLogitsNameSampleExitAndClass() {
        float[] logits = new float[2 * 3 * 2];
        logits[(1 * 3 + 2) * 2 + 1] = Float.NaN;
        assertThatThrownBy(() -> ExitOutputs.fromLogits(2, 3, 2, logits, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample 1 at exit 2, class 1 is NaN");
        logits[(1 * 3 + 2) * 2 + 1] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> ExitOutputs.fromLogits(2, 3, 2, logits, null)).hasMessageContaining("Infinity");
    }

    @Test
    void labelsOutOfRangeAndShapeMismatchesAreClear() {
        float[] logits = new float[2 * 1 * 3];
        assertThatThrownBy(() -> ExitOutputs.fromLogits(2, 1, 3, logits, new int[] {0, 3}))
                .hasMessageContaining("label of sample 1 is 3, outside [0, 3)");
        assertThatThrownBy(() -> ExitOutputs.fromLogits(2, 1, 3, logits, new int[] {0}))
                .hasMessageContaining("labels has 1 values but there are N = 2");
        assertThatThrownBy(() -> ExitOutputs.fromLogits(2, 2, 3, logits, null))
                .hasMessageContaining("logits has 6 values but N * L * C = 2 * 2 * 3 = 12");
        assertThatThrownBy(() -> ExitOutputs.builder(2, 1, 3).logits(logits).flops(new double[] {1, 2}).build())
                .hasMessageContaining("flops has 2 values but there are L = 1");
        assertThatThrownBy(() -> ExitOutputs.builder(2, 2, 3).logits(new float[12]).flops(new double[] {2, 1}).build())
                .hasMessageContaining("cumulative");
        assertThatThrownBy(() -> ExitOutputs.builder(1, 2, 3).logits(new float[6]).confidence(new double[] {0.5, 1.5})
                .build()).hasMessageContaining("sample 0 at exit 1 is 1.5");
        assertThatThrownBy(() -> ExitOutputs.builder(0, 1, 1)).hasMessageContaining("N = 0");
    }

    @Test
    void subsetKeepsOrderAndAllParts() {
        ExitOutputs o = Synthetic.outputs(1, 10, 3, 4, true);
        ExitOutputs s = o.subset(new int[] {7, 2});
        assertThat(s.numSamples()).isEqualTo(2);
        assertThat(s.label(0)).isEqualTo(o.label(7));
        assertThat(s.probs(1, 2)).isEqualTo(o.probs(2, 2));
        assertThat(s.prediction(0, 1)).isEqualTo(o.prediction(7, 1));
        assertThat(s.flops()).isEqualTo(o.flops());
        assertThatThrownBy(() -> o.subset(new int[] {10})).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
