package org.eennrc.models.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

import org.eennrc.models.internal.BatchIterator;
import org.eennrc.models.train.EpochData;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fashion-MNIST scenes: a small semantic-segmentation data set made from Fashion-MNIST items (docs/data.md, "Fashion-MNIST
 * scenes"), generated on the fly from a seed and never stored.
 *
 * <p>Scene i of a set is a {@value #SIZE}×{@value #SIZE} canvas holding 2 to 4 items of {@link #items()}, each at a
 * random position (its 28×28 box inside the canvas); items may overlap. Items are drawn in order, and a later item
 * covers an earlier one where its own intensity is above {@link #threshold()}. Pixel labels:
 * <ul>
 *   <li>the item's class + 1 (1–10) where the topmost item that covers the pixel has intensity above the threshold
 *       there;</li>
 *   <li>{@value #BACKGROUND} (background) where no item does;</li>
 *   <li>{@value #IGNORE} (ignore) on a one-pixel band around each item's visible edge: a pixel whose 4-neighbour
 *       belongs to an item drawn in front of it (the background counts as behind every item). At every boundary the
 *       band lies on the side of what is further back, so it is exactly one pixel wide.</li>
 * </ul>
 * Input intensity: where an item covers a pixel it replaces the canvas value, elsewhere the brighter of the canvas and
 * the item's faint (below-threshold) pixels is kept.
 *
 * <p>Scene i depends only on (seed, i) and the item set, so any scene can be made alone, in any order, on any machine:
 * {@link #scene(int)}. Build training scenes from the training split's items only and calibration/test scenes from
 * the test split's items only ({@link #training}, {@link #test}); the two never share an item.
 */
public final class FashionScenes {
    /** Height and width of a scene. */
    public static final int SIZE = 64;
    /** Label of a pixel no item covers. */
    public static final int BACKGROUND = 0;
    /** Label of the pixels on an item's edge band, which no loss or metric counts. */
    public static final int IGNORE = 255;
    /** Background plus the ten Fashion-MNIST classes. */
    public static final int NUM_CLASSES = FashionMnist.NUM_CLASSES + 1;
    /** Items per scene: uniform on [MIN_ITEMS, MAX_ITEMS]. */
    public static final int MIN_ITEMS = 2;
    public static final int MAX_ITEMS = 4;
    /** Default intensity threshold (of 255) above which an item's pixel is the item. */
    public static final int DEFAULT_THRESHOLD = 32;

    private final ImageSet items;
    private final int count;
    private final long seed;
    private final int threshold;

    private FashionScenes(ImageSet items, int count, long seed, int threshold) {
        this.items = Objects.requireNonNull(items, "items");
        if (count < 1) {
            throw new IllegalArgumentException("a scene set needs at least one scene, got " + count);
        }
        if (items.size() < 1) {
            throw new IllegalArgumentException("no items to build scenes from");
        }
        if (items.height() > SIZE || items.width() > SIZE) {
            throw new IllegalArgumentException("items of " + items.height() + "x" + items.width()
                    + " do not fit a " + SIZE + "x" + SIZE + " scene");
        }
        if (threshold < 0 || threshold > 254) {
            throw new IllegalArgumentException("threshold must be in [0, 254], got " + threshold);
        }
        this.count = count;
        this.seed = seed;
        this.threshold = threshold;
    }

    /** {@code count} scenes of the given items with the default threshold. */
    public static FashionScenes of(ImageSet items, int count, long seed) {
        return new FashionScenes(items, count, seed, DEFAULT_THRESHOLD);
    }

    /** {@code count} scenes of the given items. */
    public static FashionScenes of(ImageSet items, int count, long seed, int threshold) {
        return new FashionScenes(items, count, seed, threshold);
    }

    /** Scenes of the training split's items (the training images, without the validation images). */
    public static FashionScenes training(FashionMnist data, int count, long seed) {
        return of(data.train(), count, seed);
    }

    /** Scenes of the official test split's items: the pool for calibration and testing. */
    public static FashionScenes test(FashionMnist data, int count, long seed) {
        return of(data.test(), count, seed);
    }

    /** One scene: input intensities (0–255) and labels, row-major {@value #SIZE}×{@value #SIZE}, and its items. */
    public record Scene(int[] pixels, int[] labels, int[] items, int[] classes, int[] rows, int[] cols) {
        /** Label of pixel (r, c). */
        public int label(int r, int c) {
            return labels[r * SIZE + c];
        }

        /** Intensity (0–255) of pixel (r, c). */
        public int pixel(int r, int c) {
            return pixels[r * SIZE + c];
        }
    }

    public int size() {
        return count;
    }

    public ImageSet items() {
        return items;
    }

    public long seed() {
        return seed;
    }

    public int threshold() {
        return threshold;
    }

    /** Scene i (0 ≤ i < size()), made from (seed, i) alone. */
    public Scene scene(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("scene " + i + " of " + count);
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, i));
        int k = MIN_ITEMS + rng.nextInt(MAX_ITEMS - MIN_ITEMS + 1);
        int[] idx = new int[k];
        int[] rows = new int[k];
        int[] cols = new int[k];
        for (int j = 0; j < k; j++) {
            idx[j] = rng.nextInt(items.size());
            rows[j] = rng.nextInt(SIZE - items.height() + 1);
            cols[j] = rng.nextInt(SIZE - items.width() + 1);
        }
        return compose(items, idx, rows, cols, threshold);
    }

    /**
     * The scene with items {@code idx} (drawn in this order) at top-left corners ({@code rows[j]}, {@code cols[j]}):
     * the rules of the class documentation, for scenes placed by hand.
     */
    public static Scene compose(ImageSet items, int[] idx, int[] rows, int[] cols, int threshold) {
        int k = idx.length;
        if (rows.length != k || cols.length != k) {
            throw new IllegalArgumentException("need one row and one column per item");
        }
        int h = items.height();
        int w = items.width();
        int[] pixels = new int[SIZE * SIZE];
        int[] owner = new int[SIZE * SIZE];
        Arrays.fill(owner, -1);
        int[] classes = new int[k];
        for (int j = 0; j < k; j++) {
            if (rows[j] < 0 || cols[j] < 0 || rows[j] + h > SIZE || cols[j] + w > SIZE) {
                throw new IllegalArgumentException("item " + j + " at (" + rows[j] + ", " + cols[j]
                        + ") does not fit the scene");
            }
            classes[j] = items.label(idx[j]);
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int v = items.pixel(idx[j], r, c);
                    int p = (rows[j] + r) * SIZE + cols[j] + c;
                    if (v > threshold) {
                        pixels[p] = v;
                        owner[p] = j;
                    } else if (v > pixels[p]) {
                        pixels[p] = v;
                    }
                }
            }
        }
        int[] labels = new int[SIZE * SIZE];
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                int p = r * SIZE + c;
                int o = owner[p];
                boolean band = (r > 0 && owner[p - SIZE] > o) || (r < SIZE - 1 && owner[p + SIZE] > o)
                        || (c > 0 && owner[p - 1] > o) || (c < SIZE - 1 && owner[p + 1] > o);
                labels[p] = band ? IGNORE : o < 0 ? BACKGROUND : classes[o] + 1;
            }
        }
        return new Scene(pixels, labels, idx.clone(), classes, rows.clone(), cols.clone());
    }

    /** A 64-bit mix of (seed, i) (SplitMix64's finaliser), so neighbouring scenes get unrelated generators. */
    private static long mix(long seed, long i) {
        long z = seed * 0x9E3779B97F4A7C15L + i + 0x632BE59BD9B4E5L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Network input of scenes {@code from..to}: intensities / 255 as [k, 1, 64, 64]. */
    public INDArray features(int from, int to) {
        return batch(from, to).getFeatures(0);
    }

    /**
     * Scenes {@code from..to} as one DL4J batch: features [k, 1, 64, 64] (intensity / 255), labels one-hot
     * [k, 11, 64, 64] (all zero on ignored pixels) and the label mask [k, 1, 64, 64] (0 on ignored pixels, 1
     * elsewhere), so that a loss layer that honours the mask gives ignored pixels neither loss nor gradient.
     */
    public org.nd4j.linalg.dataset.MultiDataSet batch(int from, int to) {
        int k = to - from;
        int hw = SIZE * SIZE;
        float[] f = new float[k * hw];
        float[] y = new float[k * NUM_CLASSES * hw];
        float[] m = new float[k * hw];
        for (int j = 0; j < k; j++) {
            Scene s = scene(from + j);
            for (int p = 0; p < hw; p++) {
                f[j * hw + p] = s.pixels[p] / 255f;
                int l = s.labels[p];
                if (l != IGNORE) {
                    y[(j * NUM_CLASSES + l) * hw + p] = 1f;
                    m[j * hw + p] = 1f;
                }
            }
        }
        INDArray features = Nd4j.create(f, new long[] {k, 1, SIZE, SIZE}, 'c');
        INDArray labels = Nd4j.create(y, new long[] {k, NUM_CLASSES, SIZE, SIZE}, 'c');
        INDArray mask = Nd4j.create(m, new long[] {k, 1, SIZE, SIZE}, 'c');
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {features}, new INDArray[] {labels}, null,
                new INDArray[] {mask});
    }

    /** Labels of scenes {@code from..to}, scene after scene (row-major; 255 = ignore). */
    public int[] labels(int from, int to) {
        int hw = SIZE * SIZE;
        int[] out = new int[(to - from) * hw];
        for (int j = from; j < to; j++) {
            System.arraycopy(scene(j).labels, 0, out, (j - from) * hw, hw);
        }
        return out;
    }

    /** The scenes in order as DL4J batches ({@link #batch}), made on demand. */
    public MultiDataSetIterator iterator(int batchSize) {
        return new BatchIterator(count, batchSize, this::batch);
    }

    /**
     * Training data with fresh scenes every epoch: epoch e is the scene set of seed {@code seed + e} (same items,
     * same size), so a resumed run sees exactly the scenes of an uninterrupted one.
     */
    public EpochData epochs(int batchSize) {
        return EpochData.sized(count, e -> new FashionScenes(items, count, seed + 1_000_003L * e, threshold)
                .iterator(batchSize));
    }

    @Override
    public String toString() {
        return "FashionScenes[n=" + count + ", items=" + items.size() + ", seed=" + seed + ", threshold=" + threshold
                + "]";
    }
}
