package org.eennrc.models.data;

import java.util.Arrays;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable set of single-channel images with integer labels, pixels stored as unsigned bytes (row-major,
 * {@code n * height * width}). Conversion to network input ({@link #features}) normalises with the data set's
 * mean and standard deviation.
 */
public final class ImageSet {
    private final byte[] pixels;
    private final int[] labels;
    private final int n;
    private final int height;
    private final int width;
    private final int numClasses;
    private final float mean;
    private final float std;

    public ImageSet(byte[] pixels, int[] labels, int height, int width, int numClasses, float mean, float std) {
        this.pixels = Objects.requireNonNull(pixels);
        this.labels = Objects.requireNonNull(labels);
        this.n = labels.length;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
        this.mean = mean;
        this.std = std;
        if (pixels.length != (long) n * height * width) {
            throw new IllegalArgumentException("pixels: " + pixels.length + " != " + n + "*" + height + "*" + width);
        }
        for (int y : labels) {
            if (y < 0 || y >= numClasses) {
                throw new IllegalArgumentException("label out of range: " + y);
            }
        }
    }

    public int size() {
        return n;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int numClasses() {
        return numClasses;
    }

    public int label(int i) {
        return labels[i];
    }

    /** A copy of the labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** Raw pixel value (0..255) of image i at (r, c). */
    public int pixel(int i, int r, int c) {
        return pixels[(i * height + r) * width + c] & 0xff;
    }

    /** The images at the given indices, in that order. */
    public ImageSet subset(int[] idx) {
        int hw = height * width;
        byte[] p = new byte[idx.length * hw];
        int[] y = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            System.arraycopy(pixels, idx[k] * hw, p, k * hw, hw);
            y[k] = labels[idx[k]];
        }
        return new ImageSet(p, y, height, width, numClasses, mean, std);
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive). */
    public ImageSet range(int from, int to) {
        int[] idx = new int[to - from];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = from + k;
        }
        return subset(idx);
    }

    /** Normalised features [k, 1, H, W] (NCHW, float) of the images at {@code idx[from..to)}. */
    public INDArray features(int[] idx, int from, int to) {
        return features(idx, from, to, null);
    }

    /**
     * As {@link #features(int[], int, int)}; when {@code flip} is non-null, image k is mirrored horizontally where
     * {@code flip[k - from]} is true (training augmentation).
     */
    public INDArray features(int[] idx, int from, int to, boolean[] flip) {
        int hw = height * width;
        int k = to - from;
        float[] f = new float[k * hw];
        float inv = 1f / (255f * std);
        float off = mean / std;
        for (int j = 0; j < k; j++) {
            int src = (idx == null ? from + j : idx[from + j]) * hw;
            int dst = j * hw;
            if (flip != null && flip[j]) {
                for (int r = 0; r < height; r++) {
                    for (int c = 0; c < width; c++) {
                        f[dst + r * width + c] = (pixels[src + r * width + (width - 1 - c)] & 0xff) * inv - off;
                    }
                }
            } else {
                for (int q = 0; q < hw; q++) {
                    f[dst + q] = (pixels[src + q] & 0xff) * inv - off;
                }
            }
        }
        return Nd4j.create(f, new long[] {k, 1, height, width}, 'c');
    }

    /** Normalised features of images {@code from..to} in storage order. */
    public INDArray features(int from, int to) {
        return features(null, from, to, null);
    }

    /** One-hot labels [k, C] of the images at {@code idx[from..to)} (idx null: storage order). */
    public INDArray oneHot(int[] idx, int from, int to) {
        int k = to - from;
        float[] f = new float[k * numClasses];
        for (int j = 0; j < k; j++) {
            f[j * numClasses + labels[idx == null ? from + j : idx[from + j]]] = 1f;
        }
        return Nd4j.create(f, new long[] {k, numClasses}, 'c');
    }

    @Override
    public String toString() {
        int[] counts = new int[numClasses];
        for (int y : labels) {
            counts[y]++;
        }
        return "ImageSet[n=" + n + ", " + height + "x" + width + ", classes=" + Arrays.toString(counts) + "]";
    }

    /**
     * The images in storage order as DL4J batches (normalised features [b, 1, H, W], one-hot labels): the input of an
     * {@link org.eennrc.models.EarlyExitModel}.
     */
    public org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator iterator(int batchSize) {
        return new org.eennrc.models.internal.BatchIterator(n, batchSize,
                (from, to) -> new org.nd4j.linalg.dataset.MultiDataSet(features(from, to), oneHot(null, from, to)));
    }

    /**
     * Training batches reshuffled every epoch: epoch e's order (and, with {@code flip}, which images are mirrored)
     * comes from {@code new Random(seed * 1_000_003 + e)}, so a resumed run sees exactly the batches of an
     * uninterrupted one.
     */
    public org.eennrc.models.train.EpochData shuffled(int batchSize, long seed, boolean flip) {
        return org.eennrc.models.train.EpochData.sized(n, epoch -> {
            java.util.Random rng = new java.util.Random(seed * 1_000_003L + epoch);
            int[] order = org.eennrc.models.train.Permutation.of(n, rng);
            boolean[] flips = null;
            if (flip) {
                flips = new boolean[n];
                for (int i = 0; i < n; i++) {
                    flips[i] = rng.nextBoolean();
                }
            }
            boolean[] f = flips;
            return new org.eennrc.models.internal.BatchIterator(n, batchSize, (from, to) ->
                    new org.nd4j.linalg.dataset.MultiDataSet(
                            features(order, from, to, f == null ? null : Arrays.copyOfRange(f, from, to)),
                            oneHot(order, from, to)));
        });
    }
}
