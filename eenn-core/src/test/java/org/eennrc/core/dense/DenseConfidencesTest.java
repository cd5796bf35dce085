package org.eennrc.core.dense;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Every per-pixel confidence and every aggregation on hand-made maps (method.md §6). */
class DenseConfidencesTest {
    private static final double TOL = 1e-12;

    /** 4 × 4, row-major: sum 7.0; sorted 0, .1, .1, .2, .2, .3, .3, .4, .4, .5, .5, .6, .7, .8, .9, 1. */
    private static final double[] MAP = {
        0.1, 0.2, 0.3, 0.4,
        0.5, 0.6, 0.7, 0.8,
        0.9, 1.0, 0.0, 0.1,
        0.2, 0.3, 0.4, 0.5};

    private static double agg(String spec) {
        return DenseConfidences.parse(spec).aggregate(MAP, 4, 4);
    }

    @Test
    void meanMedianAndQuantilesOfAHandMap() {
        assertThat(agg("top1:mean")).isCloseTo(7.0 / 16, within(TOL));
        assertThat(agg("top1:median")).isCloseTo(0.4, within(TOL));          // (0.4 + 0.4) / 2 at position 7.5
        assertThat(agg("top1:quantile-0.3")).isCloseTo(0.25, within(TOL));   // position 4.5: 0.2 .. 0.3
        assertThat(agg("top1:quantile-0")).isCloseTo(0.0, within(TOL));
        assertThat(agg("top1:quantile-1")).isCloseTo(1.0, within(TOL));
        assertThat(agg("top1:quantile-0.5")).isEqualTo(agg("top1:median"));
    }

    @Test
    void patchesOnTheStrideGridThenAQuantile() {
        // 2 × 2 patches at stride 2: means 0.35, 0.55, 0.6, 0.25
        assertThat(DenseConfidences.patchMeans(MAP, 4, 4, 2, 2))
                .containsExactly(new double[] {0.35, 0.55, 0.6, 0.25}, within(TOL));
        assertThat(agg("top1:patch-2-2-0")).isCloseTo(0.25, within(TOL));
        assertThat(agg("top1:patch-2-2-0.5")).isCloseTo(0.45, within(TOL)); // (0.35 + 0.55) / 2
        // 3 × 3 at stride 1: four patches with sums 4.3, 4.1, 4.6, 4.4
        assertThat(DenseConfidences.patchMeans(MAP, 4, 4, 3, 1))
                .containsExactly(new double[] {4.3 / 9, 4.1 / 9, 4.6 / 9, 4.4 / 9}, within(TOL));
        assertThat(agg("top1:patch-3-1-0")).isCloseTo(4.1 / 9, within(TOL));
        // 3 × 3 at stride 2: only the corner (0, 0) fits; no partial patch at (2, 2)
        assertThat(DenseConfidences.patchMeans(MAP, 4, 4, 3, 2)).containsExactly(new double[] {4.3 / 9}, within(TOL));
        // a 4 × 4 patch is the whole image
        assertThat(agg("top1:patch-4-1-0.1")).isCloseTo(7.0 / 16, within(TOL));
        assertThatThrownBy(() -> agg("top1:patch-5-1-0.1")).hasMessageContaining("patch size 5 does not fit");
    }

    @Test
    void perPixelConfidences() {
        // C = 3, H = 1, W = 2, layout [c][h][w]: pixel 0 = (0.5, 0.3, 0.2), pixel 1 = (1, 0, 0)
        float[] p = {0.5f, 1f, 0.3f, 0f, 0.2f, 0f};
        double h = -(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2));
        double[] top1 = DenseConfidences.pixelMap(DenseConfidences.Pixel.TOP1, p, 3, 1, 2);
        double[] margin = DenseConfidences.pixelMap(DenseConfidences.Pixel.MARGIN, p, 3, 1, 2);
        double[] ent = DenseConfidences.pixelMap(DenseConfidences.Pixel.ENTROPY, p, 3, 1, 2);
        assertThat(top1).containsExactly(new double[] {0.5, 1}, within(1e-7));
        assertThat(margin).containsExactly(new double[] {0.2, 1}, within(1e-7));
        assertThat(ent).containsExactly(new double[] {1 - h / Math.log(3), 1}, within(1e-7));
        // end to end: pixel confidence, then aggregation
        assertThat(DenseConfidences.parse("margin:mean").confidence(p, 3, 1, 2)).isCloseTo(0.6, within(1e-7));
        assertThat(DenseConfidences.parse("entropy:quantile-0").confidence(p, 3, 1, 2))
                .isCloseTo(1 - h / Math.log(3), within(1e-7));
        assertThat(DenseConfidences.parse("top1:patch-1-1-0").confidence(p, 3, 1, 2)).isCloseTo(0.5, within(1e-7));
        // a single class is fully confident under every pixel confidence
        float[] one = {1f, 1f};
        for (String s : new String[] {"top1:mean", "margin:mean", "entropy:mean"}) {
            assertThat(DenseConfidences.parse(s).confidence(one, 1, 1, 2)).isEqualTo(1.0);
        }
    }

    @Test
    void specsHaveCanonicalNamesAndClearErrors() {
        assertThat(DenseConfidences.parse(" TOP1:Mean ").name()).isEqualTo("top1:mean");
        assertThat(DenseConfidences.parse("topdiff:quantile-0.10").name()).isEqualTo("margin:quantile-0.1");
        assertThat(DenseConfidences.parse("entropy:patch-8-4-0.1").name()).isEqualTo("entropy:patch-8-4-0.1");
        assertThat(DenseConfidences.parse("top1:quantile-0.5").name()).isEqualTo("top1:median");
        assertThatThrownBy(() -> DenseConfidences.parse("top1")).hasMessageContaining("no ':'");
        assertThatThrownBy(() -> DenseConfidences.parse("top3:mean")).hasMessageContaining("unknown per-pixel");
        assertThatThrownBy(() -> DenseConfidences.parse("top1:max")).hasMessageContaining("unknown aggregation");
        assertThatThrownBy(() -> DenseConfidences.parse("top1:quantile-1.5")).hasMessageContaining("outside [0, 1]");
        assertThatThrownBy(() -> DenseConfidences.parse("top1:quantile-x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> DenseConfidences.parse("top1:patch-8-4")).hasMessageContaining("size, stride");
        assertThatThrownBy(() -> DenseConfidences.parse("top1:patch-0-4-0.1")).hasMessageContaining("must be >= 1");
        assertThatThrownBy(() -> DenseConfidences.parse("top1:mean").confidence(new float[5], 3, 1, 2))
                .hasMessageContaining("C * H * W");
        float[] nan = {Float.NaN, 1f};
        assertThatThrownBy(() -> DenseConfidences.parse("top1:mean").confidence(nan, 1, 1, 2))
                .hasMessageContaining("pixel (0, 0)");
    }
}
