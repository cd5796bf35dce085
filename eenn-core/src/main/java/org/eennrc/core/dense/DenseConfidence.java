package org.eennrc.core.dense;

/**
 * The confidence c_l(x) in [0, 1] of one exit's dense prediction for one image (method.md §6, "confidence"): a
 * per-pixel confidence aggregated to one number, which the exit rule compares with the shared threshold λ. Built-ins
 * come from {@link DenseConfidences#parse}; implement it for an aggregation of your own.
 */
public interface DenseConfidence {

    /** A stable name, recorded with the outputs, e.g. {@code top1:mean}. */
    String name();

    /**
     * The image's confidence.
     *
     * @param probs one image's per-pixel class probabilities, layout [c][h][w] (index c*H*W + h*W + w); not modified
     * @return a value in [0, 1]
     */
    double confidence(float[] probs, int classes, int height, int width);
}
