package org.eennrc.core.dense;

import java.util.SplittableRandom;

/**
 * The per-image dense losses of method.md §6, one image at a time, from per-pixel probabilities in the layout
 * [c][h][w] (index c·H·W + u with u = h·W + w) and labels in [0, C) or the ignore label. The pixel set V of an image
 * is every pixel whose truth is not the ignore label, or every pixel when the image has no truth; a loss over an empty
 * V is 0 (the image says nothing). {@link DenseOutputsBuilder} uses these; they are public so that a direct
 * computation can be checked against the streamed one.
 */
public final class DenseLosses {
    private DenseLosses() {}

    /** The per-pixel argmax (lowest class on ties, like {@code numpy.argmax}). */
    public static int[] argmax(float[] probs, int classes, int pixels) {
        int[] out = new int[pixels];
        for (int u = 0; u < pixels; u++) {
            float best = probs[u];
            int arg = 0;
            for (int c = 1; c < classes; c++) {
                float v = probs[c * pixels + u];
                if (v > best) {
                    best = v;
                    arg = c;
                }
            }
            out[u] = arg;
        }
        return out;
    }

    /** Σ_c p(c)² per pixel. */
    public static double[] sumOfSquares(float[] probs, int classes, int pixels) {
        double[] out = new double[pixels];
        for (int c = 0; c < classes; c++) {
            int off = c * pixels;
            for (int u = 0; u < pixels; u++) {
                double v = probs[off + u];
                out[u] += v * v;
            }
        }
        return out;
    }

    /** Whether pixel u is in V. */
    private static boolean valid(int[] truth, int u, int ignore) {
        return truth == null || truth[u] != ignore;
    }

    /** Fraction of u ∈ V with pred(u) ≠ full(u); 0 when V is empty. */
    public static double miscoverage(int[] pred, int[] full, int[] truth, int ignore) {
        long count = 0;
        long differ = 0;
        for (int u = 0; u < pred.length; u++) {
            if (!valid(truth, u, ignore)) continue;
            count++;
            if (pred[u] != full[u]) differ++;
        }
        return count == 0 ? 0 : (double) differ / count;
    }

    /**
     * mIoU(pred, truth) over V: the mean, over the classes present (those c with pred(u) = c or truth(u) = c for some
     * u ∈ V), of |pred = c ∧ truth = c| / |pred = c ∨ truth = c|. 1 when V is empty (nothing to get wrong).
     */
    public static double meanIoU(int[] pred, int[] truth, int classes, int ignore) {
        long[] inter = new long[classes];
        long[] union = new long[classes];
        accumulateIoU(pred, truth, classes, ignore, inter, union);
        double s = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            if (union[c] > 0) {
                s += (double) inter[c] / union[c];
                present++;
            }
        }
        return present == 0 ? 1.0 : s / present;
    }

    /** Adds each class's intersection and union over V (truth must not be null) to the arrays. */
    static void accumulateIoU(int[] pred, int[] truth, int classes, int ignore, long[] inter, long[] union) {
        for (int u = 0; u < pred.length; u++) {
            int y = truth[u];
            if (y == ignore) continue;
            int p = pred[u];
            if (p == y) {
                inter[y]++;
                union[y]++;
            } else {
                union[y]++;
                union[p]++;
            }
        }
    }

    /** (1 − mIoU(pred, truth)) − (1 − mIoU(full, truth)) = mIoU(full, truth) − mIoU(pred, truth). */
    public static double miouGap(int[] pred, int[] full, int[] truth, int classes, int ignore) {
        return meanIoU(full, truth, classes, ignore) - meanIoU(pred, truth, classes, ignore);
    }

    /**
     * The mean over u ∈ V of ‖p(u) − e_t(u)‖² − ‖q(u) − e_t(u)‖², with ‖p − e_t‖² = Σ_c p(c)² − 2 p(t) + 1; 0 when V
     * is empty.
     *
     * @param sumSqP Σ_c p(c)² per pixel ({@link #sumOfSquares}), likewise sumSqQ for q
     * @param target the class t(u) per pixel (only read on V)
     */
    public static double brierDifference(float[] p, double[] sumSqP, float[] q, double[] sumSqQ, int[] target,
                                         int[] truth, int ignore) {
        int pixels = sumSqP.length;
        long count = 0;
        double s = 0;
        for (int u = 0; u < pixels; u++) {
            if (!valid(truth, u, ignore)) continue;
            count++;
            int t = target[u];
            s += (sumSqP[u] - 2.0 * p[t * pixels + u]) - (sumSqQ[u] - 2.0 * q[t * pixels + u]);
        }
        return count == 0 ? 0 : s / count;
    }

    /**
     * Labels drawn per pixel from the full model's distribution, seeded per image: a {@link SplittableRandom} seeded
     * with {@code seed + image · 0x9E3779B97F4A7C15} draws one uniform U per pixel in order u = 0, 1, …, and the label
     * is the first class whose cumulative probability exceeds U (the last class of positive probability if rounding
     * leaves none). So the labels of an image depend only on the seed, its index and its probabilities, not on the
     * order or batching in which images are streamed.
     */
    public static int[] sampledLabels(float[] fullProbs, int classes, int pixels, long seed, long image) {
        SplittableRandom rng = new SplittableRandom(seed + image * 0x9E3779B97F4A7C15L);
        int[] out = new int[pixels];
        for (int u = 0; u < pixels; u++) {
            double target = rng.nextDouble();
            double cum = 0;
            int label = -1;
            int lastPositive = 0;
            for (int c = 0; c < classes; c++) {
                double v = fullProbs[c * pixels + u];
                if (v > 0) lastPositive = c;
                cum += v;
                if (cum > target) {
                    label = c;
                    break;
                }
            }
            out[u] = label >= 0 ? label : lastPositive;
        }
        return out;
    }
}
