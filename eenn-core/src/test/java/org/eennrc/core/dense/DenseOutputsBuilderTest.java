package org.eennrc.core.dense;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.eennrc.core.Calibrator;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.LossTable;
import org.junit.jupiter.api.Test;

/** The streamed tables equal a direct in-memory computation; bad input gets a clear error (method.md §6). */
class DenseOutputsBuilderTest {
    private static final int N = 7;
    private static final int L = 3;
    private static final int C = 4;
    private static final int H = 5;
    private static final int W = 6;
    private static final int HW = H * W;
    private static final int IGNORE = 255;

    /** probs[i][e] = C*H*W floats [c][h][w]: noisy softmax maps that agree more with the last exit at later exits. */
    private static float[][][] probs(long seed) {
        Random r = new Random(seed);
        float[][][] out = new float[N][L][C * HW];
        for (int i = 0; i < N; i++) {
            double[][] base = new double[C][HW];
            for (int c = 0; c < C; c++) for (int u = 0; u < HW; u++) base[c][u] = 2 * r.nextGaussian();
            for (int e = 0; e < L; e++) {
                double noise = 1.5 * (L - 1 - e);
                for (int u = 0; u < HW; u++) {
                    double[] z = new double[C];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < C; c++) {
                        z[c] = base[c][u] + noise * r.nextGaussian();
                        max = Math.max(max, z[c]);
                    }
                    double s = 0;
                    for (int c = 0; c < C; c++) s += z[c] = Math.exp(z[c] - max);
                    for (int c = 0; c < C; c++) out[i][e][c * HW + u] = (float) (z[c] / s);
                }
            }
        }
        return out;
    }

    private static int[][] truth(long seed) {
        Random r = new Random(seed);
        int[][] y = new int[N][HW];
        for (int i = 0; i < N; i++) for (int u = 0; u < HW; u++) y[i][u] = r.nextInt(6) == 0 ? IGNORE : r.nextInt(C);
        return y;
    }

    // ---- the direct computation, written independently of DenseLosses

    private static double p(float[] m, int c, int h, int w) {
        return m[c * HW + h * W + w];
    }

    private static int argmax(float[] m, int h, int w) {
        int best = 0;
        for (int c = 1; c < C; c++) if (p(m, c, h, w) > p(m, best, h, w)) best = c;
        return best;
    }

    private static double miou(float[] m, int[] y) {
        Set<Integer> present = new HashSet<>();
        for (int h = 0; h < H; h++) {
            for (int w = 0; w < W; w++) {
                if (y[h * W + w] == IGNORE) continue;
                present.add(y[h * W + w]);
                present.add(argmax(m, h, w));
            }
        }
        if (present.isEmpty()) return 1;
        double s = 0;
        for (int c : present) {
            int inter = 0;
            int uni = 0;
            for (int h = 0; h < H; h++) {
                for (int w = 0; w < W; w++) {
                    if (y[h * W + w] == IGNORE) continue;
                    boolean a = argmax(m, h, w) == c;
                    boolean b = y[h * W + w] == c;
                    if (a && b) inter++;
                    if (a || b) uni++;
                }
            }
            s += (double) inter / uni;
        }
        return s / present.size();
    }

    /** mean over non-ignored pixels of Σ_c (p_e − 1[c = t])² − Σ_c (p_L − 1[c = t])². */
    private static double brier(float[] pe, float[] pl, int[] target, int[] y) {
        double s = 0;
        int count = 0;
        for (int h = 0; h < H; h++) {
            for (int w = 0; w < W; w++) {
                int u = h * W + w;
                if (y != null && y[u] == IGNORE) continue;
                count++;
                for (int c = 0; c < C; c++) {
                    double t = c == target[u] ? 1 : 0;
                    s += Math.pow(p(pe, c, h, w) - t, 2) - Math.pow(p(pl, c, h, w) - t, 2);
                }
            }
        }
        return count == 0 ? 0 : s / count;
    }

    private static double miscoverage(float[] pe, float[] pl, int[] y) {
        int count = 0;
        int differ = 0;
        for (int h = 0; h < H; h++) {
            for (int w = 0; w < W; w++) {
                if (y != null && y[h * W + w] == IGNORE) continue;
                count++;
                if (argmax(pe, h, w) != argmax(pl, h, w)) differ++;
            }
        }
        return count == 0 ? 0 : (double) differ / count;
    }

    private static int[] argmaxMap(float[] m) {
        int[] a = new int[HW];
        for (int h = 0; h < H; h++) for (int w = 0; w < W; w++) a[h * W + w] = argmax(m, h, w);
        return a;
    }

    @Test
    void streamedTablesEqualADirectComputation() {
        float[][][] probs = probs(1);
        int[][] y = truth(2);
        DenseConfidence conf = DenseConfidences.parse("margin:patch-3-2-0.25");
        DenseOutputsBuilder b = DenseOutputsBuilder.builder(L, C, H, W).confidence(conf).seed(11).build();
        for (int i = 0; i < N; i++) b.add(probs[i], y[i]);
        ExitOutputs o = b.build(new double[] {1, 2, 4});

        assertThat(o.hasProbabilities()).isFalse();
        assertThat(o.numSamples()).isEqualTo(N);
        assertThat(o.numExits()).isEqualTo(L);
        assertThat(o.flops()).containsExactly(1, 2, 4);
        assertThat(o.lossTableNames()).containsExactlyInAnyOrderElementsOf(DenseRisk.names());
        double maxMiscoverage = 0;
        for (int i = 0; i < N; i++) {
            float[] full = probs[i][L - 1];
            int[] sampled = DenseLosses.sampledLabels(full, C, HW, 11, i);
            for (int e = 0; e < L; e++) {
                float[] pe = probs[i][e];
                assertThat(o.providedConfidence(i, e)).isEqualTo(conf.confidence(pe, C, H, W));
                double mis = miscoverage(pe, full, y[i]);
                maxMiscoverage = Math.max(maxMiscoverage, mis);
                assertThat(o.lossTable("miscoverage").loss(i, e)).isCloseTo(mis, within(1e-12));
                assertThat(o.lossTable("miou-gap").loss(i, e))
                        .isCloseTo(miou(full, y[i]) - miou(pe, y[i]), within(1e-12));
                assertThat(o.lossTable("pixel-brier-sampled").loss(i, e))
                        .isCloseTo(brier(pe, full, sampled, y[i]), within(1e-9));
                assertThat(o.lossTable("pixel-brier-argmax").loss(i, e))
                        .isCloseTo(brier(pe, full, argmaxMap(full), y[i]), within(1e-9));
                assertThat(o.lossTable("pixel-brier-gap").loss(i, e))
                        .isCloseTo(brier(pe, full, y[i], y[i]), within(1e-9));
            }
        }
        assertThat(maxMiscoverage).isGreaterThan(0.2); // the example is not trivial

        // dataset pixel accuracy and mIoU per exit, directly
        double[] acc = new double[L];
        double[] miou = new double[L];
        for (int e = 0; e < L; e++) {
            long right = 0;
            long valid = 0;
            long[] inter = new long[C];
            long[] uni = new long[C];
            for (int i = 0; i < N; i++) {
                int[] a = argmaxMap(probs[i][e]);
                for (int u = 0; u < HW; u++) {
                    if (y[i][u] == IGNORE) continue;
                    valid++;
                    if (a[u] == y[i][u]) right++;
                    for (int c = 0; c < C; c++) {
                        if (a[u] == c && y[i][u] == c) inter[c]++;
                        if (a[u] == c || y[i][u] == c) uni[c]++;
                    }
                }
            }
            acc[e] = (double) right / valid;
            double s = 0;
            int k = 0;
            for (int c = 0; c < C; c++) if (uni[c] > 0) { s += (double) inter[c] / uni[c]; k++; }
            miou[e] = s / k;
        }
        assertThat(b.pixelAccuracyPerExit()).containsExactly(acc, within(1e-12));
        assertThat(b.meanIoUPerExit()).containsExactly(miou, within(1e-12));

        // the same images in two builders give the same tables: nothing depends on more than the image and its index
        DenseOutputsBuilder again = DenseOutputsBuilder.builder(L, C, H, W).confidence(conf).seed(11).build();
        for (int i = 0; i < N; i++) again.add(probs[i], y[i]);
        assertThat(again.build(new double[] {1, 2, 4}).contentSha256()).isEqualTo(o.contentSha256());

        // and the tables calibrate by risk name, with the provided confidence
        Calibrator.Result r = Calibrator.builder().risk("miscoverage").controller("crc").epsilon(0.3)
                .confidence("provided").build().calibrate(o);
        assertThat(r.bound()).isEqualTo(1.0);
        assertThat(r.policy().certificate().risk()).isEqualTo("miscoverage");
    }

    @Test
    void unlabelledImagesGiveOnlyTheLabelFreeRisks() {
        float[][][] probs = probs(3);
        DenseOutputsBuilder b = DenseOutputsBuilder.builder(L, C, H, W).confidence("top1:mean").build();
        for (int i = 0; i < N; i++) b.add(probs[i], null);
        assertThat(b.tabulatedRisks()).containsExactly(DenseRisk.MISCOVERAGE, DenseRisk.BRIER_SAMPLED,
                DenseRisk.BRIER_ARGMAX);
        ExitOutputs o = b.build(null);
        assertThat(o.lossTableNames()).containsExactlyInAnyOrder("miscoverage", "pixel-brier-sampled",
                "pixel-brier-argmax");
        for (int i = 0; i < N; i++) {
            for (int e = 0; e < L; e++) {
                assertThat(o.lossTable("miscoverage").loss(i, e))
                        .isCloseTo(miscoverage(probs[i][e], probs[i][L - 1], null), within(1e-12));
            }
        }
        assertThatThrownBy(b::pixelAccuracyPerExit).hasMessageContaining("no truth");
        DenseOutputsBuilder onlyLabels = DenseOutputsBuilder.builder(L, C, H, W).confidence("top1:mean")
                .risks(List.of("miou-gap")).build();
        onlyLabels.add(probs[0], null);
        assertThatThrownBy(() -> onlyLabels.build(null)).hasMessageContaining("need labels");
    }

    @Test
    void badInputIsRejectedNamingImageExitClassAndPixel() {
        float[][][] probs = probs(4);
        int[][] y = truth(5);
        DenseOutputsBuilder b = DenseOutputsBuilder.builder(L, C, H, W).confidence("top1:mean").build();
        b.add(probs[0], y[0]);

        float[][] nan = copy(probs[1]);
        nan[1][2 * HW + 7] = Float.NaN;
        assertThatThrownBy(() -> b.add(nan, y[1])).hasMessageContaining("image 1, exit 1: probability of class 2 at"
                + " pixel (1, 1) is NaN");
        float[][] sum = copy(probs[1]);
        sum[2][3] += 0.01f;
        assertThatThrownBy(() -> b.add(sum, y[1])).hasMessageContaining("image 1, exit 2: probabilities at pixel"
                + " (0, 3) sum to");
        assertThatThrownBy(() -> b.add(new float[][] {probs[1][0]}, y[1])).hasMessageContaining("3 exits, got 1");
        float[][] shortMap = copy(probs[1]);
        shortMap[0] = new float[5];
        assertThatThrownBy(() -> b.add(shortMap, y[1])).hasMessageContaining("exit 0: expected C * H * W");
        int[] badLabel = y[1].clone();
        badLabel[8] = 4;
        assertThatThrownBy(() -> b.add(probs[1], badLabel)).hasMessageContaining("label at pixel (1, 2) is 4");
        assertThatThrownBy(() -> b.add(probs[1], new int[3])).hasMessageContaining("H * W = 30 labels, got 3");
        assertThatThrownBy(() -> b.add(probs[1], null)).hasMessageContaining("either every image is labelled");
        assertThat(b.numImages()).isEqualTo(1); // nothing half-added
        assertThatThrownBy(() -> DenseOutputsBuilder.builder(L, C, H, W).build()).hasMessageContaining("confidence");
        assertThatThrownBy(() -> DenseOutputsBuilder.builder(L, C, H, W).ignoreLabel(2))
                .hasMessageContaining("one of the 4 classes");
        assertThatThrownBy(() -> DenseOutputsBuilder.builder(L, C, H, W).confidence("top1:mean").build().build(null))
                .hasMessageContaining("no image");
    }

    @Test
    void lossesStayInsideTheirDeclaredBounds() {
        float[][][] probs = probs(6);
        int[][] y = truth(7);
        DenseOutputsBuilder b = DenseOutputsBuilder.builder(L, C, H, W).confidence("entropy:median").build();
        for (int i = 0; i < N; i++) b.add(probs[i], y[i]);
        ExitOutputs o = b.build(null);
        for (DenseRisk r : DenseRisk.values()) {
            LossTable t = o.lossTable(r.riskName());
            assertThat(t.lowerBound()).isEqualTo(r.lowerBound());
            assertThat(t.upperBound()).isEqualTo(r.upperBound());
            for (double v : t.values()) assertThat(v).isBetween(r.lowerBound(), r.upperBound());
            for (int i = 0; i < N; i++) assertThat(t.loss(i, L - 1)).isEqualTo(0.0);
        }
    }

    private static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }
}
