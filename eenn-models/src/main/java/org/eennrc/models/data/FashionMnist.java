package org.eennrc.models.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) from its IDX files, gzipped as distributed (and as installed by the
 * Debian package {@code dataset-fashion-mnist} under {@value #DEFAULT_DIR}); uncompressed files are accepted too.
 *
 * <p>Splits: {@link #train()} and {@link #validation()} partition the 60,000 training images with a deterministic,
 * seeded permutation ({@link #DEFAULT_VALIDATION_SIZE} images by default); {@link #test()} is the 10,000 official
 * test images, the pool that risk control splits into calibration and test sets.
 */
public final class FashionMnist {
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    public static final int DEFAULT_VALIDATION_SIZE = 5000;
    public static final long DEFAULT_SPLIT_SEED = 20240530L;
    /** Pixel mean and standard deviation of the training set (on [0, 1]). */
    public static final float MEAN = 0.2860f;
    public static final float STD = 0.3530f;
    public static final int NUM_CLASSES = 10;
    public static final String[] CLASS_NAMES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
        "Shirt", "Sneaker", "Bag", "Ankle boot"};

    private final Path dir;
    private final ImageSet train;
    private final ImageSet validation;
    private final ImageSet test;

    private FashionMnist(Path dir, ImageSet train, ImageSet validation, ImageSet test) {
        this.dir = dir;
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /** The directory to use: {@code dataDir} if non-null, else {@value #DEFAULT_DIR}. */
    public static Path resolveDir(Path dataDir) {
        return dataDir != null ? dataDir : Path.of(DEFAULT_DIR);
    }

    /** Whether all four files are present in {@code dataDir} (null: the default directory). */
    public static boolean isAvailable(Path dataDir) {
        Path d = resolveDir(dataDir);
        for (String f : new String[] {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS}) {
            if (find(d, f) == null) {
                return false;
            }
        }
        return true;
    }

    /** Loads with the default validation size and split seed. */
    public static FashionMnist load(Path dataDir) {
        return load(dataDir, DEFAULT_VALIDATION_SIZE, DEFAULT_SPLIT_SEED);
    }

    /**
     * Loads the four files.
     *
     * @param dataDir        directory with the IDX files; null for {@value #DEFAULT_DIR}
     * @param validationSize images held out of the 60,000 training images (0 allowed)
     * @param splitSeed      seed of the permutation that picks them
     * @throws IllegalStateException naming the directory and the package to install when a file is missing
     */
    public static FashionMnist load(Path dataDir, int validationSize, long splitSeed) {
        Path d = resolveDir(dataDir);
        ImageSet fullTrain = read(d, TRAIN_IMAGES, TRAIN_LABELS);
        ImageSet test = read(d, TEST_IMAGES, TEST_LABELS);
        if (validationSize < 0 || validationSize >= fullTrain.size()) {
            throw new IllegalArgumentException("validationSize " + validationSize + " out of [0, " + fullTrain.size() + ")");
        }
        int[] perm = permutation(fullTrain.size(), splitSeed);
        int[] val = new int[validationSize];
        int[] tr = new int[fullTrain.size() - validationSize];
        System.arraycopy(perm, 0, val, 0, validationSize);
        System.arraycopy(perm, validationSize, tr, 0, tr.length);
        java.util.Arrays.sort(val);
        java.util.Arrays.sort(tr);
        return new FashionMnist(d, fullTrain.subset(tr), fullTrain.subset(val), test);
    }

    /** Reads one images/labels pair of IDX files (gzipped or not) from {@code dir}. */
    public static ImageSet read(Path dir, String imagesName, String labelsName) {
        Path imgs = require(dir, imagesName);
        Path lbls = require(dir, labelsName);
        try (DataInputStream in = open(imgs); DataInputStream lin = open(lbls)) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IOException(imgs + ": not an IDX3 ubyte file (magic 0x" + Integer.toHexString(magic) + ")");
            }
            int n = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            int lmagic = lin.readInt();
            if (lmagic != 0x00000801) {
                throw new IOException(lbls + ": not an IDX1 ubyte file (magic 0x" + Integer.toHexString(lmagic) + ")");
            }
            int ln = lin.readInt();
            if (ln != n) {
                throw new IOException(imgs + " has " + n + " images but " + lbls + " has " + ln + " labels");
            }
            byte[] pixels = new byte[n * h * w];
            in.readFully(pixels);
            byte[] lb = new byte[n];
            lin.readFully(lb);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = lb[i] & 0xff;
            }
            return new ImageSet(pixels, labels, h, w, NUM_CLASSES, MEAN, STD);
        } catch (IOException e) {
            throw new UncheckedIOException("reading Fashion-MNIST from " + dir + ": " + e.getMessage(), e);
        }
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        if (p.getFileName().toString().endsWith(".gz")) {
            raw = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return new DataInputStream(raw);
    }

    private static Path find(Path dir, String name) {
        for (String cand : new String[] {name + ".gz", name, name.replace("-idx", ".idx")}) {
            Path p = dir.resolve(cand);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path require(Path dir, String name) {
        Path p = find(dir, name);
        if (p == null) {
            throw new IllegalStateException("Fashion-MNIST not found: " + dir.toAbsolutePath() + " has no " + name
                    + ".gz (nor " + name + "). Install it with `apt-get install dataset-fashion-mnist` (files go to "
                    + DEFAULT_DIR + ") or pass the directory that holds " + TRAIN_IMAGES + ".gz, " + TRAIN_LABELS
                    + ".gz, " + TEST_IMAGES + ".gz and " + TEST_LABELS + ".gz (--data-dir).");
        }
        return p;
    }

    /** {@link org.eennrc.models.train.Permutation#of} with {@code new Random(seed)}. */
    public static int[] permutation(int n, long seed) {
        return org.eennrc.models.train.Permutation.of(n, new Random(seed));
    }

    public Path dir() {
        return dir;
    }

    /** Training images (the 60,000 minus the validation split). */
    public ImageSet train() {
        return train;
    }

    /** Held-out validation images from the training set. */
    public ImageSet validation() {
        return validation;
    }

    /** The 10,000 official test images: the pool for calibration and testing in risk control. */
    public ImageSet test() {
        return test;
    }
}
