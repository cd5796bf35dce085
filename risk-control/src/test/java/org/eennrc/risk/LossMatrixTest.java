package org.eennrc.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LossMatrixTest {

    @Test
    void rejectsBadInputWithAPreciseMessage() {
        assertThatThrownBy(() -> LossMatrix.of(new double[][] {{0, Double.NaN}}, 1))
                .hasMessageContaining("loss[0][1]").hasMessageContaining("NaN");
        assertThatThrownBy(() -> LossMatrix.of(new double[][] {{0, 0}, {0, Double.POSITIVE_INFINITY}}, 1))
                .hasMessageContaining("loss[1][1]").hasMessageContaining("Inf");
        assertThatThrownBy(() -> LossMatrix.of(new double[][] {{0, 1.5}}, 1))
                .hasMessageContaining("above the declared upper bound B = 1.0");
        assertThatThrownBy(() -> LossMatrix.of(new double[][] {{0, -1.5}}, 1))
                .hasMessageContaining("below the declared lower bound");
        assertThatThrownBy(() -> LossMatrix.of(new double[][] {{0, 0}, {0}}, 1))
                .hasMessageContaining("rows of different lengths").hasMessageContaining("row 1 has 1");
        assertThatThrownBy(() -> LossMatrix.of(new double[0][], 1)).hasMessageContaining("no rows");
        assertThatThrownBy(() -> LossMatrix.of(new double[][] {{}}, 1)).hasMessageContaining("no samples");
        assertThatThrownBy(() -> LossMatrix.of(new double[][] {{0}}, 0)).hasMessageContaining("upper bound");
    }

    @Test
    void columnsKeepDrawOrderAndSums() {
        LossMatrix m = LossMatrix.of(new double[][] {{0, 0, 0}, {0.1, 0.2, 0.3}}, 1);
        LossMatrix c = m.columns(new int[] {2, 0});
        assertThat(c.row(1)).containsExactly(0.3, 0.1);
        assertThat(c.rowSum(1)).isEqualTo(0.4);
        assertThat(m.mean(1)).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-15));
    }

    @Test
    void isImmutable() {
        double[][] raw = {{0, 0}, {1, 0}};
        LossMatrix m = LossMatrix.of(raw, 1);
        raw[1][0] = 0;
        m.row(1)[0] = 0;
        assertThat(m.get(1, 0)).isEqualTo(1.0);
    }

    @Test
    void lambdaGridIsStrictlyDecreasing() {
        assertThat(LambdaGrid.standard().size()).isEqualTo(101);
        assertThat(LambdaGrid.standard().lambda(5)).isEqualTo(0.95);
        assertThat(LambdaGrid.standard().lambda(100)).isEqualTo(0.0);
        assertThatThrownBy(() -> LambdaGrid.of(1, 0.5, 0.5)).hasMessageContaining("strictly decreasing");
    }
}
