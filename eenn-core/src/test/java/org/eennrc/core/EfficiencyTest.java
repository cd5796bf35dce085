package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.eennrc.risk.LambdaGrid;
import org.junit.jupiter.api.Test;

class EfficiencyTest {
    // confidences (n, l) for 3 samples, 3 exits
    final double[] conf = {0.9, 0.95, 0.99, 0.3, 0.6, 0.1, 0.2, 0.2, 0.2};
    final LambdaGrid grid = LambdaGrid.of(1.0, 0.8, 0.5, 0.0);

    @Test
    void exitsComputeAndSavingFromFlops() {
        ExitTable t = ExitTable.build(conf, 3, grid);
        // λ=1: all last; λ=.8: s0 exit0, others last; λ=.5: s0 e0, s1 e1, s2 last; λ=0: all e0
        assertThat(t.exitsAt(0)).containsExactly(2, 2, 2);
        assertThat(t.exitsAt(1)).containsExactly(0, 2, 2);
        assertThat(t.exitsAt(2)).containsExactly(0, 1, 2);
        assertThat(t.exitsAt(3)).containsExactly(0, 0, 0);
        Efficiency e = Efficiency.of(t, new double[] {1, 3, 10});
        assertThat(e.fromFlops()).isTrue();
        assertThat(e.meanExitLayers()).containsExactly(new double[] {3, 7 / 3.0, 2, 1}, within(1e-12));
        assertThat(e.meanComputes()).containsExactly(new double[] {10, 7, 14 / 3.0, 1}, within(1e-12));
        assertThat(e.savings()).containsExactly(new double[] {0, 0.3, 1 - 14 / 30.0, 0.9}, within(1e-12));
        assertThat(e.computeMatrix()[2]).containsExactly(1, 3, 10);
        assertThat(e.meanCompute(2, new int[] {0, 1})).isEqualTo(2);
    }

    @Test
    void withoutFlopsTheExitIndexIsTheCost() {
        ExitTable t = ExitTable.build(conf, 3, grid);
        Efficiency e = Efficiency.of(t, (double[]) null);
        assertThat(e.fromFlops()).isFalse();
        assertThat(e.costPerExit()).containsExactly(1, 2, 3);
        assertThat(e.saving(2)).isCloseTo(1 - 2 / 3.0, within(1e-12));
    }

    @Test
    void builderUsesOutputsFlops() {
        ExitOutputs o = Synthetic.outputs(5, 30, 3, 4, false);
        Efficiency e = new LossMatrixBuilder(o, ConfidenceMeasures.MAX_SOFTMAX).efficiency();
        assertThat(e.fromFlops()).isTrue();
        assertThat(e.fullCompute()).isEqualTo(o.flops()[2]);
        assertThat(e.saving(0)).isEqualTo(0.0);
        assertThat(e.saving(100)).isEqualTo(1 - o.flops()[0] / o.flops()[2]);
        double[] s = e.savings();
        for (int k = 1; k < s.length; k++) assertThat(s[k]).isGreaterThanOrEqualTo(s[k - 1]);
    }
}
