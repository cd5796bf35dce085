package org.eennrc.models;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.models.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runs every exit of a full multi-exit graph over an image set. */
public final class ExitEvaluator {
    private ExitEvaluator() {
    }

    /**
     * Softmax outputs of every exit for every image, flat in the interchange layout
     * {@code probs[(i * L + l) * C + c]} (sample i, exit l 0-based, class c).
     */
    public static float[] allExitProbabilities(ComputationGraph g, ImageSet data, int batchSize) {
        int n = data.size();
        int exits = g.getNumOutputArrays();
        int classes = data.numClasses();
        float[] out = new float[n * exits * classes];
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            INDArray[] o = g.output(false, data.features(from, to));
            for (int l = 0; l < exits; l++) {
                float[][] p = o[l].toFloatMatrix();
                for (int j = 0; j < p.length; j++) {
                    System.arraycopy(p[j], 0, out, ((from + j) * exits + l) * classes, classes);
                }
            }
        }
        return out;
    }

    /** Per-exit accuracy of flat probabilities against labels. */
    public static double[] accuracy(float[] probs, int[] labels, int exits, int classes) {
        double[] acc = new double[exits];
        for (int i = 0; i < labels.length; i++) {
            for (int l = 0; l < exits; l++) {
                if (argmax(probs, (i * exits + l) * classes, classes) == labels[i]) {
                    acc[l]++;
                }
            }
        }
        for (int l = 0; l < exits; l++) {
            acc[l] /= labels.length;
        }
        return acc;
    }

    /** Per-exit accuracy of a graph on an image set. */
    public static double[] accuracy(ComputationGraph g, ImageSet data, int batchSize) {
        return accuracy(allExitProbabilities(g, data, batchSize), data.labels(), g.getNumOutputArrays(), data.numClasses());
    }

    /** Index of the largest of {@code a[off..off+len)} (first on ties). */
    public static int argmax(float[] a, int off, int len) {
        int best = 0;
        float bv = a[off];
        for (int c = 1; c < len; c++) {
            if (a[off + c] > bv) {
                bv = a[off + c];
                best = c;
            }
        }
        return best;
    }
}
