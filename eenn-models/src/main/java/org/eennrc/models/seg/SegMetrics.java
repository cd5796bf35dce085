package org.eennrc.models.seg;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-exit segmentation quality over a data set, from one confusion matrix per exit (truth × prediction over every
 * pixel whose label is not the ignore label): pixel accuracy, and mIoU = the mean over classes present in the truth or
 * the predictions of TP / (TP + FP + FN), computed over the whole set (the usual data-set-level mIoU of segmentation
 * benchmarks; the per-image mIoU of the risk is eenn-core's).
 */
public final class SegMetrics {
    private final int classes;
    private final int ignore;
    private final long[][] confusion; // [exit][truth * C + pred]

    /**
     * @param exits   L
     * @param classes C
     * @param ignore  the label that is not counted (e.g. 255)
     */
    public SegMetrics(int exits, int classes, int ignore) {
        this.classes = classes;
        this.ignore = ignore;
        this.confusion = new long[exits][classes * classes];
    }

    /** Adds one exit's predicted labels for pixels with the given true labels (same length). */
    public void add(int exit, int[] predicted, int[] truth) {
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + truth.length + " labels");
        }
        long[] m = confusion[exit];
        for (int p = 0; p < truth.length; p++) {
            int t = truth[p];
            if (t == ignore) {
                continue;
            }
            if (t < 0 || t >= classes || predicted[p] < 0 || predicted[p] >= classes) {
                throw new IllegalArgumentException("label " + t + " or prediction " + predicted[p] + " at pixel " + p
                        + " outside [0, " + classes + ")");
            }
            m[t * classes + predicted[p]]++;
        }
    }

    /** Adds a batch of one exit's probabilities [b, C, H, W] (argmax over C) against labels (b·H·W, row-major). */
    public void add(int exit, INDArray probabilities, int[] truth) {
        add(exit, Nd4j.argMax(probabilities, 1).dup('c').data().asInt(), truth);
    }

    public int numExits() {
        return confusion.length;
    }

    /** Fraction of counted pixels whose prediction equals the label. */
    public double pixelAccuracy(int exit) {
        long right = 0;
        long all = 0;
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                long v = confusion[exit][t * classes + p];
                all += v;
                if (t == p) {
                    right += v;
                }
            }
        }
        return all == 0 ? Double.NaN : right / (double) all;
    }

    /** Mean IoU over the classes that occur in the truth or the predictions. */
    public double meanIoU(int exit) {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < classes; c++) {
            long tp = confusion[exit][c * classes + c];
            long fn = 0;
            long fp = 0;
            for (int o = 0; o < classes; o++) {
                if (o != c) {
                    fn += confusion[exit][c * classes + o];
                    fp += confusion[exit][o * classes + c];
                }
            }
            if (tp + fp + fn > 0) {
                sum += tp / (double) (tp + fp + fn);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
