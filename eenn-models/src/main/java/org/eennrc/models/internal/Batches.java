package org.eennrc.models.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eennrc.core.ExitOutputs;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/** Internal: moving batches between DL4J's data sets, named stage arrays and eenn-core's flat outputs. */
public final class Batches {
    private Batches() {
    }

    /** Resets an iterator that supports it, so that every pass sees the whole data set. */
    public static void reset(MultiDataSetIterator data) {
        if (data.resetSupported()) {
            data.reset();
        }
    }

    /** The features and masks of a batch by the model's input names (a null mask name or mask array is skipped). */
    public static Map<String, INDArray> inputs(MultiDataSet batch, List<String> featureNames, List<String> maskNames) {
        INDArray[] f = batch.getFeatures();
        if (f == null || f.length != featureNames.size()) {
            throw new IllegalArgumentException("the model has " + featureNames.size() + " input(s) " + featureNames
                    + " but a batch has " + (f == null ? 0 : f.length) + " feature array(s)");
        }
        INDArray[] m = batch.getFeaturesMaskArrays();
        Map<String, INDArray> in = new LinkedHashMap<>();
        for (int i = 0; i < f.length; i++) {
            in.put(featureNames.get(i), f[i]);
            String mn = maskNames == null || i >= maskNames.size() ? null : maskNames.get(i);
            if (mn == null && m != null && m.length > i && m[i] != null) {
                throw new IllegalArgumentException("the batch has a mask for input '" + featureNames.get(i)
                        + "' but the model takes none; a mask it ignored would give silently wrong outputs");
            }
            if (mn != null) {
                if (m == null || m.length <= i || m[i] == null) {
                    throw new IllegalArgumentException("the model's input '" + featureNames.get(i) + "' needs a mask ('"
                            + mn + "') but the batch has none");
                }
                in.put(mn, m[i]);
            }
        }
        return in;
    }

    /** Number of samples of a batch (rows of its first feature array). */
    public static int size(MultiDataSet batch) {
        return (int) batch.getFeatures(0).size(0);
    }

    /** Class indices of a batch's first label array (one-hot or probabilities: argmax; one column: the value). */
    public static int[] labels(MultiDataSet batch) {
        INDArray[] l = batch.getLabels();
        if (l == null || l.length == 0 || l[0] == null) {
            return null;
        }
        INDArray y = l[0];
        int n = (int) y.size(0);
        if (y.rank() != 2) {
            throw new IllegalArgumentException("labels must be [batch, classes] or [batch, 1], got " + Arrays.toString(y.shape()));
        }
        if (y.size(1) == 1) {
            int[] out = new int[n];
            double[] v = y.dup('c').data().asDouble();
            for (int i = 0; i < n; i++) {
                out[i] = (int) v[i];
            }
            return out;
        }
        return Nd4j.argMax(y, 1).toIntVector();
    }

    /** An exit's probabilities [m, C] as a c-order float copy, after checking the shape. */
    public static float[] oneExitProbabilities(INDArray probs, int numClasses) {
        if (probs.rank() != 2 || probs.size(1) != numClasses) {
            throw new IllegalArgumentException("an exit must give [batch, " + numClasses + "] probabilities, got "
                    + Arrays.toString(probs.shape()));
        }
        return probs.dup('c').data().asFloat();
    }

    /**
     * One exit's probabilities of a batch as a one-exit {@link ExitOutputs}: the same validation and renormalisation
     * as exported outputs, so that confidences of real early exit are bit-identical to the exported ones.
     */
    public static ExitOutputs oneExit(INDArray probs, int numClasses) {
        float[] p = oneExitProbabilities(probs, numClasses);
        return ExitOutputs.builder((int) probs.size(0), 1, numClasses).probsOwned(p).build();
    }

    /**
     * Rows {@code keep} of an array with the batch first, as a new c-order array. {@code a} is left unchanged: ND4J's
     * {@code shape()} returns the array's own shape buffer, so it is copied before the batch size is replaced (writing
     * into it corrupted the source's shape, which a second call then read as the smaller batch).
     */
    public static INDArray rows(INDArray a, int[] keep) {
        long[] shape = a.shape().clone();
        long m = shape[0];
        INDArray flat = a.rank() == 2 ? a : a.reshape('c', m, a.length() / m);
        INDArray sub = Nd4j.pullRows(flat, 1, keep);
        shape[0] = keep.length;
        return a.rank() == 2 ? sub : sub.reshape('c', shape);
    }

    /** A growable float buffer for outputs whose sample count is known only at the end. */
    public static final class Floats {
        private float[] a = new float[1 << 12];
        private int n;

        public void add(float[] v, int from, int len) {
            if (n + len > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + len));
            }
            System.arraycopy(v, from, a, n, len);
            n += len;
        }

        public float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
