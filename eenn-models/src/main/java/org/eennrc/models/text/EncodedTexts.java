package org.eennrc.models.text;

import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Token ids [n][T] (with {@code [CLS]}, padded with 0) and labels of a text set, with batch builders. */
public record EncodedTexts(int[][] ids, int[] labels, int numClasses) {

    public static EncodedTexts encode(WordPieceTokenizer tok, List<WordNetGlosses.Gloss> glosses, int numClasses) {
        return new EncodedTexts(tok.encodeAll(WordNetGlosses.texts(glosses)), WordNetGlosses.labels(glosses), numClasses);
    }

    public int size() {
        return ids.length;
    }

    public int maxLength() {
        return ids.length == 0 ? 0 : ids[0].length;
    }

    public EncodedTexts head(int n) {
        n = Math.min(n, size());
        return new EncodedTexts(java.util.Arrays.copyOf(ids, n), java.util.Arrays.copyOf(labels, n), numClasses);
    }

    /**
     * A seeded random subset of n rows, kept in their original order (the splits are in file order, which groups
     * the supersenses, so a prefix would be a skewed sample).
     */
    public EncodedTexts sample(int n, long seed) {
        if (n >= size()) {
            return this;
        }
        int[] perm = org.eennrc.models.train.Permutation.of(size(), new java.util.Random(seed));
        int[] idx = java.util.Arrays.copyOf(perm, n);
        java.util.Arrays.sort(idx);
        return subset(idx);
    }

    public EncodedTexts subset(int[] idx) {
        int[][] i2 = new int[idx.length][];
        int[] y = new int[idx.length];
        for (int j = 0; j < idx.length; j++) {
            i2[j] = ids[idx[j]];
            y[j] = labels[idx[j]];
        }
        return new EncodedTexts(i2, y, numClasses);
    }

    /** Ids of rows order[from..to) (order null: rows from..to) as an INT32 [b, T] array. */
    public INDArray idsBatch(int[] order, int from, int to) {
        int t = maxLength();
        int[] flat = new int[(to - from) * t];
        for (int j = from; j < to; j++) {
            System.arraycopy(ids[order == null ? j : order[j]], 0, flat, (j - from) * t, t);
        }
        return Nd4j.createFromArray(flat).reshape(to - from, t);
    }

    /** Mask (1 for non-padding positions) of rows order[from..to) as a FLOAT [b, T] array. */
    public INDArray maskBatch(int[] order, int from, int to) {
        return maskOf(ids, order, from, to);
    }

    static INDArray maskOf(int[][] ids, int[] order, int from, int to) {
        int t = ids.length == 0 ? 0 : ids[0].length;
        float[] m = new float[(to - from) * t];
        for (int j = from; j < to; j++) {
            int[] row = ids[order == null ? j : order[j]];
            for (int p = 0; p < t; p++) {
                m[(j - from) * t + p] = row[p] == WordPieceTokenizer.PAD_ID ? 0f : 1f;
            }
        }
        return Nd4j.create(m, new long[] {to - from, t}, 'c');
    }

    /** One-hot labels of rows order[from..to) as FLOAT [b, C]. */
    public INDArray labelsBatch(int[] order, int from, int to) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, to - from, numClasses);
        for (int j = from; j < to; j++) {
            y.putScalar(j - from, labels[order == null ? j : order[j]], 1.0);
        }
        return y;
    }

    /**
     * The texts in storage order as DL4J batches: feature 0 the ids [b, T] with their padding mask, label 0 one-hot
     * [b, C]: the input of the transformer's {@link org.eennrc.models.EarlyExitModel}.
     */
    public org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator iterator(int batchSize) {
        return new org.eennrc.models.internal.BatchIterator(size(), batchSize,
                (from, to) -> new org.nd4j.linalg.dataset.MultiDataSet(
                        new INDArray[] {idsBatch(null, from, to)}, new INDArray[] {labelsBatch(null, from, to)},
                        new INDArray[] {maskBatch(null, from, to)}, null));
    }
}
