package org.eennrc.models.seg;

import org.eennrc.core.dense.DenseConfidence;
import org.eennrc.models.EarlyExitPredictor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Per-image confidences of a segmentation exit's output for real early exit (method.md §6). */
public final class SegConfidence {
    private SegConfidence() {
    }

    /**
     * An image confidence (eenn-core's {@link DenseConfidence}, e.g. {@code top1:mean}) as the predictor's per-example
     * confidence: each image's [C, H, W] probabilities of a [B, C, H, W] exit output, in the layout and float values
     * the streamed tables were computed from, so real early exit sees the confidences the policy was calibrated on.
     */
    public static EarlyExitPredictor.ExampleConfidence perExample(DenseConfidence confidence) {
        return output -> {
            if (output.rank() != 4) {
                throw new IllegalArgumentException("a segmentation exit gives [B, C, H, W], got rank " + output.rank());
            }
            int b = (int) output.size(0);
            int c = (int) output.size(1);
            int h = (int) output.size(2);
            int w = (int) output.size(3);
            float[] all = output.dup('c').data().asFloat();
            int per = c * h * w;
            double[] out = new double[b];
            float[] one = new float[per];
            for (int j = 0; j < b; j++) {
                System.arraycopy(all, j * per, one, 0, per);
                out[j] = confidence.confidence(one, c, h, w);
            }
            return out;
        };
    }
}
