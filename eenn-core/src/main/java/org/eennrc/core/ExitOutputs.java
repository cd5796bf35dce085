package org.eennrc.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The per-exit outputs of an early-exit model on N samples: for every sample n and exit l (0-based here, exit
 * L − 1 is the full model) a predictive distribution p_l(·|x_n) over C classes (method.md §1), plus optional labels,
 * cumulative compute per exit ({@code flops}) and a model-provided confidence.
 *
 * <p><b>Why flat float storage:</b> N = 50,000, L = 5, C = 1000 is 250 M probabilities: 1 GB as {@code float[]},
 * 2 GB as {@code double[]}, and far more as nested arrays. Probabilities are stored row-major (n, l, c) in one
 * {@code float[]}; all sums are accumulated in double.
 *
 * <p><b>What is cached:</b> one pass over the probabilities at construction validates them and records, per
 * (n, l), the prediction ŷ_l = argmax p_l (lowest index on ties, like {@code numpy.argmax}), the two largest
 * probabilities and Σ_c p_l(c)². These make the max-softmax and top-diff confidences and the Brier risks O(1)
 * per (n, l), which is what lets five loss matrices be built in well under a second (method.md §1, "fast evaluation").
 *
 * <p><b>Validation:</b> probabilities must be finite, in [0, 1], and each vector must sum to 1 within
 * {@value #SUM_TOLERANCE}; a vector further than {@link #RENORMALISE_ABOVE} (2^-20) from 1 is then renormalised so
 * that the risks stay inside their declared bounds. A vector already within float rounding of 1 (any softmax, or a
 * vector renormalised once) is kept as it is: renormalising it again would move its last bits, so outputs written by
 * {@link ExitOutputsNpz#write} read back bit for bit, with the same {@link #contentSha256()}, and real early exit
 * sees exactly the probabilities that were calibrated on. Logits must be finite. Labels must lie in [0, C). Every message names the sample n and the exit l.
 *
 * <p><b>Where they came from:</b> optionally the SHA-256 of the model file that produced them
 * ({@link #modelSha256()}, written by {@code eenn export}) and of the npz file they were read from
 * ({@link #fileSha256()}). {@link #contentSha256()} identifies the outputs themselves, whichever way they were built,
 * so that a calibrated {@link ExitPolicy} can name exactly what it was certified on.
 *
 * <p><b>Loss tables instead of probabilities</b> (method.md §6): outputs may also carry named per-exit loss tables
 * ({@link LossTable}, read by a {@link TableRisk} of the same name), and may carry <em>only</em> tables, a
 * {@code confidence} (N, L) array and flops, with no per-class probabilities at all ({@link #builder(int, int)}). That
 * is how dense tasks (segmentation, detection, depth) are calibrated without their pixels. Such outputs have C = 0 and
 * {@link #hasProbabilities()} false; everything that needs probabilities (predictions, the five built-in risks, the
 * probability-based confidence measures, {@link #accuracyPerExit()}) throws an {@link IllegalStateException} that
 * says so, and the confidence measure to use is {@code provided}.
 *
 * <p>Immutable. Build with {@link #fromProbs}, {@link #fromLogits} or the {@link Builder}.
 */
public final class ExitOutputs {
    /** Allowed |Σ_c p(c) − 1| for a probability vector. */
    public static final double SUM_TOLERANCE = 1e-3;

    /**
     * A probability vector whose sum is further than this from 1 is renormalised. 2^-20 is well above the float
     * rounding of a normalised vector (a few 2^-24), so normalisation is idempotent.
     */
    public static final double RENORMALISE_ABOVE = 0x1p-20;

    private final int n;
    private final int l;
    private final int c;
    private final float[] probs;
    private final int[] labels;
    private final double[] flops;
    private final double[] confidence;
    private final SortedMap<String, LossTable> tables;
    private final int[] argmax;
    private final float[] top1;
    private final float[] top2;
    private final double[] sumSq;
    private final String modelSha256;
    private final String fileSha256;
    /** Computed on first use (one pass over the arrays), then reused: calibrate asks once per (controller, ε). */
    private volatile String contentSha256;

    private ExitOutputs(int n, int l, int c, float[] probs, int[] labels, double[] flops, double[] confidence,
                        SortedMap<String, LossTable> tables, String modelSha256, String fileSha256) {
        this.n = n;
        this.l = l;
        this.c = c;
        this.probs = probs;
        this.labels = labels;
        this.flops = flops;
        this.confidence = confidence;
        this.tables = Collections.unmodifiableSortedMap(new TreeMap<>(tables));
        this.modelSha256 = modelSha256;
        this.fileSha256 = fileSha256;
        if (probs != null) {
            int rows = n * l;
            this.argmax = new int[rows];
            this.top1 = new float[rows];
            this.top2 = new float[rows];
            this.sumSq = new double[rows];
            summarise();
        } else {
            this.argmax = null;
            this.top1 = null;
            this.top2 = null;
            this.sumSq = null;
        }
    }

    /** The same outputs (arrays and summaries shared, never mutated) with other provenance hashes. */
    private ExitOutputs(ExitOutputs o, String modelSha256, String fileSha256) {
        this.n = o.n;
        this.l = o.l;
        this.c = o.c;
        this.probs = o.probs;
        this.labels = o.labels;
        this.flops = o.flops;
        this.confidence = o.confidence;
        this.tables = o.tables;
        this.argmax = o.argmax;
        this.top1 = o.top1;
        this.top2 = o.top2;
        this.sumSq = o.sumSq;
        this.modelSha256 = modelSha256;
        this.fileSha256 = fileSha256;
        this.contentSha256 = o.contentSha256;
    }

    // ---------------------------------------------------------------- factories

    /** A builder for N samples, L exits and C classes. */
    public static Builder builder(int numSamples, int numExits, int numClasses) {
        if (numClasses < 1) throw new IllegalArgumentException("need at least 1 class, got C = " + numClasses);
        return new Builder(numSamples, numExits, numClasses);
    }

    /**
     * A builder for table-only outputs of N samples and L exits (method.md §6): no probabilities (C = 0), at least one
     * {@link Builder#lossTable loss table} and a {@link Builder#confidence confidence} array (the only confidence
     * there is without probabilities), optionally flops.
     */
    public static Builder builder(int numSamples, int numExits) {
        return new Builder(numSamples, numExits, 0);
    }

    /**
     * Outputs from probabilities {@code probs[(n * L + l) * C + c]}. The array is copied (use the
     * {@link Builder#probsOwned} route to hand over a large array without a copy).
     */
    public static ExitOutputs fromProbs(int numSamples, int numExits, int numClasses, float[] probs, int[] labels) {
        return builder(numSamples, numExits, numClasses).probs(probs).labels(labels).build();
    }

    /** Outputs from logits (any real numbers) {@code logits[(n * L + l) * C + c]}; softmax is applied. */
    public static ExitOutputs fromLogits(int numSamples, int numExits, int numClasses, float[] logits, int[] labels) {
        return builder(numSamples, numExits, numClasses).logits(logits).labels(labels).build();
    }

    /** Collects the parts of an {@link ExitOutputs}; {@link #build()} validates them together. */
    public static final class Builder {
        private final int n;
        private final int l;
        private final int c;
        private float[] probs;
        private boolean probsAreLogits;
        private int[] labels;
        private double[] flops;
        private double[] confidence;
        private final SortedMap<String, LossTable> tables = new TreeMap<>();
        private String modelSha256;
        private String fileSha256;

        private Builder(int n, int l, int c) {
            if (n < 1) throw new IllegalArgumentException("need at least 1 sample, got N = " + n);
            if (l < 1) throw new IllegalArgumentException("need at least 1 exit, got L = " + l);
            if (c < 0) throw new IllegalArgumentException("need at least 1 class, got C = " + c);
            if ((long) n * l * c > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("N * L * C = " + ((long) n * l * c)
                        + " exceeds the 2^31 limit of one Java array; split the samples");
            }
            this.n = n;
            this.l = l;
            this.c = c;
        }

        private void setScores(float[] values, boolean logits, boolean own, String what) {
            requireClasses(what);
            if (values == null) throw new IllegalArgumentException(what + " array is null");
            checkLength(what, values.length);
            this.probs = own ? values : values.clone();
            this.probsAreLogits = logits;
        }

        private void checkLength(String what, long length) {
            long want = (long) n * l * c;
            if (length != want) {
                throw new IllegalArgumentException(what + " has " + length + " values but N * L * C = " + n + " * " + l
                        + " * " + c + " = " + want);
            }
        }

        /** Probabilities, row-major (n, l, c); copied. */
        public Builder probs(float[] probs) {
            setScores(probs, false, false, "probs");
            return this;
        }

        /**
         * Probabilities, row-major (n, l, c), handed over without a copy: the outputs own the array afterwards
         * and it may be renormalised in place; the caller must not use it again. For very large outputs.
         */
        public Builder probsOwned(float[] probs) {
            setScores(probs, false, true, "probs");
            return this;
        }

        private void requireClasses(String what) {
            if (c == 0) {
                throw new IllegalArgumentException("these are table-only outputs (built with builder(N, L), no"
                        + " classes); " + what + " need builder(N, L, C)");
            }
        }

        /** Probabilities as doubles (converted to float). */
        public Builder probs(double[] probs) {
            requireClasses("probs");
            if (probs == null) throw new IllegalArgumentException("probs array is null");
            checkLength("probs", probs.length);
            return probsOwned(toFloat(probs));
        }

        /** Logits, row-major (n, l, c); softmax (max-shifted, accumulated in double) gives the probabilities. */
        public Builder logits(float[] logits) {
            setScores(logits, true, false, "logits");
            return this;
        }

        /** Logits handed over without a copy; softmax overwrites them in place. */
        public Builder logitsOwned(float[] logits) {
            setScores(logits, true, true, "logits");
            return this;
        }

        /** Logits as doubles; the softmax is computed in double before rounding to float. */
        public Builder logits(double[] logits) {
            requireClasses("logits");
            if (logits == null) throw new IllegalArgumentException("logits array is null");
            checkLength("logits", logits.length);
            float[] p = new float[logits.length];
            for (int row = 0; row < n * l; row++) softmaxRow(logits, p, row, c, l);
            this.probs = p;
            this.probsAreLogits = false;
            return this;
        }

        /** Labels y_n in [0, C), or null for unlabelled outputs; copied. */
        public Builder labels(int[] labels) {
            if (labels != null) requireClasses("labels");
            if (labels != null && labels.length != n) {
                throw new IllegalArgumentException("labels has " + labels.length + " values but there are N = " + n
                        + " samples");
            }
            this.labels = labels == null ? null : labels.clone();
            return this;
        }

        /** Cumulative compute to reach each exit (length L, non-decreasing, >= 0), or null; copied. */
        public Builder flops(double[] flops) {
            if (flops != null && flops.length != l) {
                throw new IllegalArgumentException("flops has " + flops.length + " values but there are L = " + l
                        + " exits");
            }
            this.flops = flops == null ? null : flops.clone();
            return this;
        }

        /** A model-provided confidence per (n, l), row-major, each in [0, 1], or null; copied. */
        public Builder confidence(double[] confidence) {
            if (confidence != null && confidence.length != (long) n * l) {
                throw new IllegalArgumentException("confidence has " + confidence.length + " values but N * L = "
                        + ((long) n * l));
            }
            this.confidence = confidence == null ? null : confidence.clone();
            return this;
        }

        /**
         * A per-exit loss table (method.md §6) of N rows and L columns, validated by {@link LossTable#of}; a
         * {@link TableRisk} of the same name reads it.
         *
         * @throws IllegalArgumentException if the table's shape differs from (N, L) or the name is taken
         */
        public Builder lossTable(LossTable table) {
            Objects.requireNonNull(table, "loss table");
            if (table.numSamples() != n || table.numExits() != l) {
                throw new IllegalArgumentException("loss table '" + table.name() + "' has shape (" + table.numSamples()
                        + ", " + table.numExits() + ") but the outputs have N = " + n + ", L = " + l);
            }
            if (tables.putIfAbsent(table.name(), table) != null) {
                throw new IllegalArgumentException("loss table '" + table.name() + "' was given twice");
            }
            return this;
        }

        /** A loss table from its values, row-major (n, l), and declared bounds; copied and validated. */
        public Builder lossTable(String name, double lower, double upper, double[] values) {
            return lossTable(LossTable.of(name, lower, upper, n, l, values));
        }

        /**
         * The SHA-256 of the model file that produced these outputs (64 hex digits), or null when unknown (outputs
         * from elsewhere). A policy calibrated on the outputs carries it, and {@code eenn infer} checks it against
         * the model it runs.
         */
        public Builder modelSha256(String hex) {
            this.modelSha256 = hex == null ? null : sha256Hex(hex, "model SHA-256");
            return this;
        }

        /** The SHA-256 of the file the outputs are read from; set by {@link ExitOutputsNpz#read}. */
        Builder fileSha256(String hex) {
            this.fileSha256 = hex == null ? null : sha256Hex(hex, "file SHA-256");
            return this;
        }

        /** Validates everything and builds the outputs. */
        public ExitOutputs build() {
            float[] p = probs;
            if (c == 0) {
                if (tables.isEmpty()) {
                    throw new IllegalArgumentException("table-only outputs need at least one loss table (there are no"
                            + " probabilities to compute a risk from)");
                }
                if (confidence == null) {
                    throw new IllegalArgumentException("table-only outputs need a 'confidence' array of shape (N, L):"
                            + " without probabilities it is the only confidence the exit rule can use");
                }
            } else if (p == null) {
                throw new IllegalArgumentException("neither probs nor logits were given");
            } else if (probsAreLogits) {
                for (int row = 0; row < n * l; row++) softmaxRowInPlace(p, row, c, l);
            } else {
                validateAndNormalise(p, n, l, c);
            }
            if (labels != null) {
                for (int i = 0; i < n; i++) {
                    if (labels[i] < 0 || labels[i] >= c) {
                        throw new IllegalArgumentException("label of sample " + i + " is " + labels[i]
                                + ", outside [0, " + c + ") for C = " + c + " classes");
                    }
                }
            }
            if (flops != null) {
                for (int j = 0; j < l; j++) {
                    if (!Double.isFinite(flops[j]) || flops[j] < 0) {
                        throw new IllegalArgumentException("flops of exit " + j + " is " + flops[j]
                                + "; must be finite and >= 0");
                    }
                    if (j > 0 && flops[j] < flops[j - 1]) {
                        throw new IllegalArgumentException("flops must be cumulative (non-decreasing), but exit " + j
                                + " has " + flops[j] + " < exit " + (j - 1) + " with " + flops[j - 1]);
                    }
                }
                if (!(flops[l - 1] > 0)) throw new IllegalArgumentException("flops of the last exit must be > 0");
            }
            if (confidence != null) {
                for (int i = 0; i < confidence.length; i++) {
                    double v = confidence[i];
                    if (!(v >= 0 && v <= 1)) {
                        throw new IllegalArgumentException("confidence of sample " + (i / l) + " at exit " + (i % l)
                                + " is " + v + "; must be in [0, 1]");
                    }
                }
            }
            // Hand the arrays over: the builder must not be reused to mutate them.
            ExitOutputs out = new ExitOutputs(n, l, c, p, labels, flops, confidence, tables, modelSha256,
                    fileSha256);
            probs = null;
            return out;
        }
    }

    /**
     * A SHA-256 as 64 lower-case hex digits; the message names {@code what} when {@code hex} is not one.
     * Shared by everything that records a hash (outputs, policies).
     */
    static String sha256Hex(String hex, String what) {
        String h = hex.toLowerCase(Locale.ROOT);
        if (h.length() != 64 || !h.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            throw new IllegalArgumentException(what + " must be 64 hex digits (a SHA-256), got '" + hex + "'");
        }
        return h;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static void softmaxRow(double[] logits, float[] dst, int row, int c, int l) {
        int off = row * c;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) {
            double v = logits[off + j];
            if (!Double.isFinite(v)) throw badLogit(row, j, v, l);
            if (v > max) max = v;
        }
        double sum = 0;
        for (int j = 0; j < c; j++) sum += Math.exp(logits[off + j] - max);
        double inv = 1.0 / sum;
        for (int j = 0; j < c; j++) dst[off + j] = (float) (Math.exp(logits[off + j] - max) * inv);
    }

    /** Stable softmax of one row, overwriting the logits. */
    private static void softmaxRowInPlace(float[] p, int row, int c, int l) {
        int off = row * c;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) {
            float v = p[off + j];
            if (!Float.isFinite(v)) throw badLogit(row, j, v, l);
            if (v > max) max = v;
        }
        double sum = 0;
        for (int j = 0; j < c; j++) {
            float e = (float) Math.exp((double) p[off + j] - max);
            p[off + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < c; j++) p[off + j] *= inv;
    }

    private static IllegalArgumentException badLogit(int row, int cls, double v, int l) {
        return new IllegalArgumentException("logit of sample " + (row / l) + " at exit " + (row % l) + ", class "
                + cls + " is " + v + "; logits must be finite");
    }

    private static void validateAndNormalise(float[] p, int n, int l, int c) {
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < l; e++) {
                int off = (i * l + e) * c;
                double sum = 0;
                for (int j = 0; j < c; j++) {
                    float v = p[off + j];
                    if (!(v >= 0f && v <= 1f)) {
                        throw new IllegalArgumentException("probability of sample " + i + " at exit " + e + ", class "
                                + j + " is " + v + "; probabilities must be in [0, 1] (did you pass logits as probs?)");
                    }
                    sum += v;
                }
                if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
                    throw new IllegalArgumentException("probabilities of sample " + i + " at exit " + e + " sum to "
                            + sum + ", not 1 (tolerance " + SUM_TOLERANCE + "; did you pass logits as probs?)");
                }
                if (Math.abs(sum - 1.0) > RENORMALISE_ABOVE) {
                    float inv = (float) (1.0 / sum);
                    for (int j = 0; j < c; j++) p[off + j] *= inv;
                }
            }
        }
    }

    /** One pass: argmax, top two, Σ p². */
    private void summarise() {
        for (int row = 0; row < n * l; row++) {
            int off = row * c;
            float b1 = -1f;
            float b2 = 0f;
            int arg = 0;
            double sq = 0;
            for (int j = 0; j < c; j++) {
                float v = probs[off + j];
                sq += (double) v * v;
                if (v > b1) {
                    b2 = Math.max(b1, 0f);
                    b1 = v;
                    arg = j;
                } else if (v > b2) {
                    b2 = v;
                }
            }
            argmax[row] = arg;
            top1[row] = b1;
            top2[row] = c == 1 ? 0f : b2;
            sumSq[row] = sq;
        }
    }

    // ---------------------------------------------------------------- accessors

    public int numSamples() {
        return n;
    }

    public int numExits() {
        return l;
    }

    public int numClasses() {
        return c;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    public boolean hasFlops() {
        return flops != null;
    }

    public boolean hasConfidence() {
        return confidence != null;
    }

    /**
     * Whether the outputs carry per-class probabilities; false for table-only outputs ({@link #builder(int, int)},
     * method.md §6), which have only loss tables, a confidence array and flops.
     */
    public boolean hasProbabilities() {
        return probs != null;
    }

    /**
     * @throws IllegalStateException for table-only outputs, naming what needed the probabilities and what to use
     *     instead
     */
    public void requireProbabilities(String what) {
        if (probs == null) {
            throw new IllegalStateException(what + " needs per-class probabilities, but these outputs carry only"
                    + " per-exit loss tables " + tables.keySet() + " and a confidence array (method.md §6); use a risk"
                    + " named after one of the tables and the confidence measure 'provided'");
        }
    }

    /** The names of the per-exit loss tables, sorted (empty when there are none). */
    public List<String> lossTableNames() {
        return List.copyOf(tables.keySet());
    }

    /** The per-exit loss table of this name (exact match), or null when the outputs carry none. */
    public LossTable lossTable(String name) {
        return tables.get(name);
    }

    /** p_l(class | x_n); exit is 0-based. */
    public float prob(int sample, int exit, int cls) {
        requireProbabilities("a probability");
        return probs[(sample * l + exit) * c + cls];
    }

    /** A copy of the probability vector of sample n at exit l. */
    public float[] probs(int sample, int exit) {
        requireProbabilities("a probability vector");
        int off = (sample * l + exit) * c;
        return Arrays.copyOfRange(probs, off, off + c);
    }

    /** Copies the probability vector of sample n at exit l into {@code dst} (length >= C). */
    public void copyProbs(int sample, int exit, float[] dst) {
        requireProbabilities("a probability vector");
        System.arraycopy(probs, (sample * l + exit) * c, dst, 0, c);
    }

    /** The prediction ŷ_l(x_n) = argmax_y p_l(y | x_n). */
    public int prediction(int sample, int exit) {
        requireProbabilities("a prediction");
        return argmax[sample * l + exit];
    }

    /** The largest probability of sample n at exit l (the max-softmax confidence). */
    public double topProbability(int sample, int exit) {
        requireProbabilities("the top probability");
        return top1[sample * l + exit];
    }

    /** The second largest probability (0 when C = 1). */
    public double secondProbability(int sample, int exit) {
        requireProbabilities("the second probability");
        return top2[sample * l + exit];
    }

    /** Σ_c p_l(c | x_n)². */
    public double sumOfSquares(int sample, int exit) {
        requireProbabilities("a sum of squared probabilities");
        return sumSq[sample * l + exit];
    }

    /** The label of sample n. */
    public int label(int sample) {
        if (labels == null) throw new IllegalStateException("these outputs have no labels");
        return labels[sample];
    }

    /** A copy of the labels, or null when unlabelled. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** A copy of the cumulative compute per exit, or null. */
    public double[] flops() {
        return flops == null ? null : flops.clone();
    }

    /** The model-provided confidence of sample n at exit l. */
    public double providedConfidence(int sample, int exit) {
        if (confidence == null) throw new IllegalStateException("these outputs carry no 'confidence' array");
        return confidence[sample * l + exit];
    }

    /** A copy of the provided confidences (N * L, row-major), or null. */
    public double[] providedConfidences() {
        return confidence == null ? null : confidence.clone();
    }

    /** The SHA-256 (hex) of the model file that produced these outputs, or null when unknown. */
    public String modelSha256() {
        return modelSha256;
    }

    /**
     * The SHA-256 (hex) of the npz file these outputs were read from ({@link ExitOutputsNpz#read}), or null when they
     * were built in memory or are a {@link #subset} of a file.
     */
    public String fileSha256() {
        return fileSha256;
    }

    /** The same outputs, recorded as produced by the model file whose SHA-256 (hex) is given (null: unknown). */
    public ExitOutputs withModelSha256(String hex) {
        return new ExitOutputs(this, hex == null ? null : sha256Hex(hex, "model SHA-256"), fileSha256);
    }

    /**
     * A SHA-256 (hex) of the outputs' content, as they are held after validation: the same outputs give the same hash
     * whether they were read from an npz (stored or compressed, C or Fortran order) or built in Java. It is what an
     * {@link ExitPolicy} records as the outputs it was certified on.
     *
     * <p>The digest covers, in this order: the ASCII tag {@code eenn-rc outputs v1}, N, L and C (int64), the
     * probabilities (float32, row-major (n, l, c)), then labels (int64 per sample), flops (float64 per exit) and the
     * provided confidence (float64, (n, l)), each preceded by a byte 1 when present or 0 when absent; then, only when
     * there are loss tables, for each table in name order the ASCII tag {@code loss table}, the UTF-8 name (int32 length
     * first), the bounds and the values (float64, (n, l)). Table-only outputs have C = 0 and no probabilities. Numbers
     * little-endian. The model and file hashes are not part of it: they say where the outputs came from, not what
     * they are.
     */
    public String contentSha256() {
        String h = contentSha256;
        if (h == null) {
            h = computeContentSha256();
            contentSha256 = h;
        }
        return h;
    }

    private String computeContentSha256() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        buf.put("eenn-rc outputs v1".getBytes(StandardCharsets.US_ASCII));
        buf.putLong(n).putLong(l).putLong(c);
        if (probs != null) {
            for (float v : probs) {
                if (buf.remaining() < Double.BYTES + 1) flush(md, buf);
                buf.putFloat(v);
            }
        }
        buf.put((byte) (labels != null ? 1 : 0));
        if (labels != null) {
            for (int v : labels) {
                if (buf.remaining() < Double.BYTES + 1) flush(md, buf);
                buf.putLong(v);
            }
        }
        for (double[] a : new double[][] {flops, confidence}) {
            if (buf.remaining() < Double.BYTES + 1) flush(md, buf);
            buf.put((byte) (a != null ? 1 : 0));
            if (a == null) continue;
            for (double v : a) {
                if (buf.remaining() < Double.BYTES + 1) flush(md, buf);
                buf.putDouble(v);
            }
        }
        // v1 digests of outputs without tables are unchanged; each table adds its name, bounds and values
        for (LossTable t : tables.values()) {
            flush(md, buf);
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            buf.put("loss table".getBytes(StandardCharsets.US_ASCII)).putInt(name.length).put(name);
            buf.putDouble(t.lowerBound()).putDouble(t.upperBound());
            for (double v : t.valuesView()) {
                if (buf.remaining() < Double.BYTES + 1) flush(md, buf);
                buf.putDouble(v);
            }
        }
        flush(md, buf);
        return HexFormat.of().formatHex(md.digest());
    }

    private static void flush(MessageDigest md, ByteBuffer buf) {
        md.update(buf.array(), 0, buf.position());
        buf.clear();
    }

    // Package-private views for the built-in measures and risks (no copies on the hot path).
    float[] probsView() {
        requireProbabilities("this");
        return probs;
    }

    int[] predictionsView() {
        requireProbabilities("predictions");
        return argmax;
    }

    float[] top1View() {
        requireProbabilities("this confidence measure");
        return top1;
    }

    float[] top2View() {
        requireProbabilities("this confidence measure");
        return top2;
    }

    double[] sumSqView() {
        requireProbabilities("this risk");
        return sumSq;
    }

    int[] labelsView() {
        return labels;
    }

    double[] confidenceView() {
        return confidence;
    }

    /**
     * Accuracy of every exit against the labels (exit 1 first): the one per-exit accuracy of the project, used by
     * training validation, export summaries and reports.
     *
     * @throws IllegalStateException if the outputs carry no labels
     */
    public double[] accuracyPerExit() {
        requireProbabilities("per-exit accuracy");
        if (labels == null) throw new IllegalStateException("per-exit accuracy needs labels; these outputs have none");
        double[] acc = new double[l];
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < l; e++) {
                if (argmax[i * l + e] == labels[i]) acc[e]++;
            }
        }
        for (int e = 0; e < l; e++) acc[e] /= Math.max(1, n);
        return acc;
    }

    /** The outputs of the given samples, in the given order (copies). */
    public ExitOutputs subset(int[] samples) {
        if (samples == null || samples.length == 0) throw new IllegalArgumentException("subset needs at least 1 sample");
        int stride = l * c;
        float[] p = probs == null ? null : new float[samples.length * stride];
        int[] lab = labels == null ? null : new int[samples.length];
        double[] conf = confidence == null ? null : new double[samples.length * l];
        for (int j = 0; j < samples.length; j++) {
            int s = samples[j];
            if (s < 0 || s >= n) throw new IndexOutOfBoundsException("sample " + s + " of N = " + n);
            if (p != null) System.arraycopy(probs, s * stride, p, j * stride, stride);
            if (lab != null) lab[j] = labels[s];
            if (conf != null) System.arraycopy(confidence, s * l, conf, j * l, l);
        }
        SortedMap<String, LossTable> sub = new TreeMap<>();
        for (LossTable t : tables.values()) sub.put(t.name(), t.subset(samples));
        // the same model's outputs, but no longer the whole file they were read from
        return new ExitOutputs(samples.length, l, c, p, lab, flops, conf, sub, modelSha256, null);
    }

    @Override
    public String toString() {
        return "ExitOutputs[N=" + n + ", L=" + l + ", C=" + c + (labels != null ? ", labels" : "")
                + (flops != null ? ", flops" : "") + (confidence != null ? ", confidence" : "")
                + (tables.isEmpty() ? "" : ", loss tables " + tables.keySet())
                + (modelSha256 != null ? ", model " + modelSha256.substring(0, 12) : "") + "]";
    }
}
