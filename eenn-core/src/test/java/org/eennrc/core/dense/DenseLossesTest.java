package org.eennrc.core.dense;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The per-image dense losses on hand-made examples (method.md §6). */
class DenseLossesTest {
    private static final int IGNORE = 255;
    // a 2 × 3 image; pixel 2 is ignored (and predicted as class 2 there, which must not count)
    private static final int[] TRUTH = {0, 1, IGNORE, 1, 2, 2};
    private static final int[] EARLY = {0, 1, 2, 2, 2, 0};
    private static final int[] FULL = {0, 1, 0, 1, 2, 2};

    @Test
    void meanIoUOverThePresentClassesLeavesTheIgnoreLabelOut() {
        // class 0: {0} vs {0, 5} -> 1/2; class 1: {1, 3} vs {1} -> 1/2; class 2: {4, 5} vs {3, 4} -> 1/3;
        // class 3 is in neither truth nor prediction, so it is not averaged in (C = 4)
        assertThat(DenseLosses.meanIoU(EARLY, TRUTH, 4, IGNORE)).isCloseTo(4.0 / 9, within(1e-12));
        assertThat(DenseLosses.meanIoU(FULL, TRUTH, 4, IGNORE)).isEqualTo(1.0);
        assertThat(DenseLosses.miouGap(EARLY, FULL, TRUTH, 4, IGNORE)).isCloseTo(5.0 / 9, within(1e-12));
        // had pixel 2 counted (as class 0): class 0 {0, 2} vs {0, 5} -> 1/3, class 1 -> 1/2, class 2 {4, 5} vs
        // {2, 3, 4} -> 1/4
        int[] noIgnore = {0, 1, 0, 1, 2, 2};
        assertThat(DenseLosses.meanIoU(EARLY, noIgnore, 4, IGNORE)).isCloseTo(13.0 / 36, within(1e-12));
        // a class only predicted counts as present with IoU 0
        int[] allZero = {0, 0, IGNORE, 0, 0, 0};
        assertThat(DenseLosses.meanIoU(EARLY, allZero, 4, IGNORE)).isCloseTo((2.0 / 5 + 0 + 0) / 3, within(1e-12));
        // nothing left: mIoU 1, no loss
        int[] ignored = {IGNORE, IGNORE, IGNORE, IGNORE, IGNORE, IGNORE};
        assertThat(DenseLosses.meanIoU(EARLY, ignored, 4, IGNORE)).isEqualTo(1.0);
        assertThat(DenseLosses.miouGap(EARLY, FULL, ignored, 4, IGNORE)).isEqualTo(0.0);
    }

    @Test
    void miscoverageCountsOnlyPixelsNotIgnored() {
        assertThat(DenseLosses.miscoverage(EARLY, FULL, TRUTH, IGNORE)).isCloseTo(2.0 / 5, within(1e-12));
        assertThat(DenseLosses.miscoverage(EARLY, FULL, null, IGNORE)).isCloseTo(3.0 / 6, within(1e-12));
        assertThat(DenseLosses.miscoverage(FULL, FULL, TRUTH, IGNORE)).isEqualTo(0.0);
    }

    @Test
    void brierDifferenceByHand() {
        // one pixel, C = 2: early (0.7, 0.3), full (0.2, 0.8), target 1: 0.98 - 0.08 = 0.9
        float[] early = {0.7f, 0.3f};
        float[] full = {0.2f, 0.8f};
        double v = DenseLosses.brierDifference(early, DenseLosses.sumOfSquares(early, 2, 1), full,
                DenseLosses.sumOfSquares(full, 2, 1), new int[] {1}, null, IGNORE);
        assertThat(v).isCloseTo(0.9, within(1e-6));
        double ignored = DenseLosses.brierDifference(early, DenseLosses.sumOfSquares(early, 2, 1), full,
                DenseLosses.sumOfSquares(full, 2, 1), new int[] {1}, new int[] {IGNORE}, IGNORE);
        assertThat(ignored).isEqualTo(0.0);
    }

    @Test
    void sampledLabelsFollowTheFullModelAndDependOnlyOnSeedAndImage() {
        // one image of 20,000 pixels, each with p = (0.2, 0.5, 0.3)
        int pixels = 20_000;
        float[] p = new float[3 * pixels];
        for (int u = 0; u < pixels; u++) {
            p[u] = 0.2f;
            p[pixels + u] = 0.5f;
            p[2 * pixels + u] = 0.3f;
        }
        int[] y = DenseLosses.sampledLabels(p, 3, pixels, 7, 3);
        int[] count = new int[3];
        for (int v : y) count[v]++;
        // 5 standard errors: sqrt(0.25 / 20000) = 0.0035
        assertThat(count[0] / (double) pixels).isCloseTo(0.2, within(0.018));
        assertThat(count[1] / (double) pixels).isCloseTo(0.5, within(0.018));
        assertThat(count[2] / (double) pixels).isCloseTo(0.3, within(0.018));
        assertThat(DenseLosses.sampledLabels(p, 3, pixels, 7, 3)).isEqualTo(y);
        assertThat(DenseLosses.sampledLabels(p, 3, pixels, 7, 4)).isNotEqualTo(y);
        assertThat(DenseLosses.sampledLabels(p, 3, pixels, 8, 3)).isNotEqualTo(y);
        // a one-hot pixel always gives its class
        float[] hot = {0f, 0f, 1f};
        assertThat(DenseLosses.sampledLabels(hot, 3, 1, 1, 0)).containsExactly(2);
    }
}
