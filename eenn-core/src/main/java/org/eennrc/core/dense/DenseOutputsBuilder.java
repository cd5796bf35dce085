package org.eennrc.core.dense;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.eennrc.core.ExitOutputs;

/**
 * Streams dense per-exit outputs, one image at a time, into table-only {@link ExitOutputs} (method.md §6, "streaming"):
 * for each image and exit it computes the aggregated {@link DenseConfidence} and every requested {@link DenseRisk}
 * once, and keeps only those (N, L) tables. 2,000 scenes × 4 exits × 11 classes × 64 × 64 floats would be 1.4 GB;
 * the tables are 2,000 × 4 doubles each.
 *
 * <pre>{@code
 * DenseOutputsBuilder dense = DenseOutputsBuilder.builder(4, 11, 64, 64)
 *         .confidence("top1:mean")            // DenseConfidences grammar, or a DenseConfidence instance
 *         .risks(DenseRisk.values())          // default: all five
 *         .ignoreLabel(255).seed(0)           // defaults
 *         .build();
 * for (each image) dense.add(probsPerExit, truth);   // probsPerExit[l] = C*H*W floats [c][h][w]; truth H*W or null
 * ExitOutputs outputs = dense.build(flopsPerExit);   // calibrate with confidence "provided" and a risk by name
 * }</pre>
 *
 * <p><b>Labels.</b> Either every image has its truth or none has: mixing is an error. Without truth the label risks
 * ({@code miou-gap}, {@code pixel-brier-gap}) are not tabulated ({@link #tabulatedRisks()}); with truth, the pixels
 * labelled with the ignore label are left out of every loss. Labelled builders also accumulate the per-exit pixel
 * accuracy and dataset mIoU of the images added ({@link #pixelAccuracyPerExit()}, {@link #meanIoUPerExit()}).
 *
 * <p><b>Validation.</b> Every probability must be finite and in [0, 1], each pixel's must sum to 1 within
 * {@link ExitOutputs#SUM_TOLERANCE}, arrays must have the configured lengths and labels must be in [0, C) or the
 * ignore label; each error names the image, exit, class and pixel. Probabilities are used as given (not
 * renormalised); losses are computed in double and clamped to their declared bounds.
 *
 * <p>Not thread-safe: one builder per stream.
 */
public final class DenseOutputsBuilder {
    private final int numExits;
    private final int classes;
    private final int height;
    private final int width;
    private final int pixels;
    private final int ignore;
    private final DenseConfidence confidence;
    private final List<DenseRisk> risks;
    private final long seed;

    private int n;
    private Boolean labelled;
    private double[] conf;
    private final double[][] tables;
    private final long[][] inter;
    private final long[][] union;
    private final long[] correct;
    private long validPixels;

    private DenseOutputsBuilder(Builder b) {
        this.numExits = b.numExits;
        this.classes = b.classes;
        this.height = b.height;
        this.width = b.width;
        this.pixels = b.height * b.width;
        this.ignore = b.ignore;
        this.confidence = Objects.requireNonNull(b.confidence, "the dense builder needs a confidence: confidence(\""
                + "top1:mean\") or a DenseConfidence; grammar: " + DenseConfidences.GRAMMAR);
        this.risks = List.copyOf(b.risks);
        this.seed = b.seed;
        int cap = 64;
        this.conf = new double[cap * numExits];
        this.tables = new double[risks.size()][cap * numExits];
        this.inter = new long[numExits][classes];
        this.union = new long[numExits][classes];
        this.correct = new long[numExits];
    }

    /** Settings for L exits and images of C classes and H × W pixels. */
    public static Builder builder(int numExits, int classes, int height, int width) {
        return new Builder(numExits, classes, height, width);
    }

    /** The settings of a {@link DenseOutputsBuilder}. */
    public static final class Builder {
        private final int numExits;
        private final int classes;
        private final int height;
        private final int width;
        private int ignore = 255;
        private DenseConfidence confidence;
        private Set<DenseRisk> risks = EnumSet.allOf(DenseRisk.class);
        private long seed;

        private Builder(int numExits, int classes, int height, int width) {
            if (numExits < 1) throw new IllegalArgumentException("need at least 1 exit, got L = " + numExits);
            if (classes < 1) throw new IllegalArgumentException("need at least 1 class, got C = " + classes);
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("image size must be at least 1 x 1, got " + height + " x " + width);
            }
            if ((long) classes * height * width > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("C * H * W = " + ((long) classes * height * width)
                        + " exceeds one Java array");
            }
            this.numExits = numExits;
            this.classes = classes;
            this.height = height;
            this.width = width;
        }

        /** The label that marks pixels left out of every loss (default 255); must not be a class in [0, C). */
        public Builder ignoreLabel(int label) {
            if (label >= 0 && label < classes) {
                throw new IllegalArgumentException("ignore label " + label + " is one of the " + classes + " classes");
            }
            this.ignore = label;
            return this;
        }

        /** The image confidence (required). */
        public Builder confidence(DenseConfidence c) {
            this.confidence = Objects.requireNonNull(c, "confidence");
            return this;
        }

        /** The image confidence by spec, see {@link DenseConfidences#parse}. */
        public Builder confidence(String spec) {
            return confidence(DenseConfidences.parse(spec));
        }

        /** The risks to tabulate (default: all five); at least one. */
        public Builder risks(DenseRisk... r) {
            if (r.length == 0) throw new IllegalArgumentException("tabulate at least one dense risk; known: "
                    + DenseRisk.names());
            this.risks = EnumSet.copyOf(Arrays.asList(r));
            return this;
        }

        /** The risks to tabulate by name ({@link DenseRisk#byName}). */
        public Builder risks(List<String> names) {
            return risks(names.stream().map(DenseRisk::byName).toArray(DenseRisk[]::new));
        }

        /** The seed of the labels sampled for {@code pixel-brier-sampled} (default 0); see {@link DenseLosses#sampledLabels}. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public DenseOutputsBuilder build() {
            return new DenseOutputsBuilder(this);
        }
    }

    /**
     * Adds the next image (its index is the number of images added before).
     *
     * @param probsPerExit probsPerExit[l] = the C·H·W probabilities of exit l, layout [c][h][w]; not kept
     * @param truth the H·W labels, in [0, C) or the ignore label, or null when unlabelled
     * @throws IllegalArgumentException naming the image, exit, class and pixel of the first bad value; the builder is
     *     unchanged then
     */
    public void add(float[][] probsPerExit, int[] truth) {
        int image = n;
        validate(image, probsPerExit, truth);
        boolean hasTruth = truth != null;
        if (labelled != null && labelled != hasTruth) {
            throw new IllegalArgumentException("image " + image + (hasTruth ? " has" : " has no") + " truth but the"
                    + " images before it " + (labelled ? "had" : "had none") + "; either every image is labelled or"
                    + " none is");
        }
        int last = numExits - 1;
        int[][] pred = new int[numExits][];
        double[][] sumSq = new double[numExits][];
        for (int e = 0; e < numExits; e++) {
            pred[e] = DenseLosses.argmax(probsPerExit[e], classes, pixels);
            sumSq[e] = DenseLosses.sumOfSquares(probsPerExit[e], classes, pixels);
        }
        double[] row = new double[numExits];
        double[][] lossRows = new double[risks.size()][numExits];
        for (int e = 0; e < numExits; e++) {
            double c = confidence.confidence(probsPerExit[e], classes, height, width);
            if (!(c >= 0 && c <= 1)) {
                throw new IllegalStateException("dense confidence '" + confidence.name() + "' gave " + c + " for image "
                        + image + " at exit " + e + "; confidences must be in [0, 1]");
            }
            row[e] = c;
        }
        int[] sampled = risks.contains(DenseRisk.BRIER_SAMPLED)
                ? DenseLosses.sampledLabels(probsPerExit[last], classes, pixels, seed, image) : null;
        for (int r = 0; r < risks.size(); r++) {
            DenseRisk risk = risks.get(r);
            if (risk.needsLabels() && !hasTruth) continue;
            for (int e = 0; e < last; e++) {
                double v = switch (risk) {
                    case MISCOVERAGE -> DenseLosses.miscoverage(pred[e], pred[last], truth, ignore);
                    case MIOU_GAP -> DenseLosses.miouGap(pred[e], pred[last], truth, classes, ignore);
                    case BRIER_SAMPLED -> brier(probsPerExit, sumSq, e, sampled, truth);
                    case BRIER_ARGMAX -> brier(probsPerExit, sumSq, e, pred[last], truth);
                    case BRIER_GAP -> brier(probsPerExit, sumSq, e, truth, truth);
                };
                lossRows[r][e] = Math.max(risk.lowerBound(), Math.min(risk.upperBound(), v));
            }
            // the full model's loss against itself is 0 by definition
        }
        if (hasTruth) {
            for (int e = 0; e < numExits; e++) {
                DenseLosses.accumulateIoU(pred[e], truth, classes, ignore, inter[e], union[e]);
                for (int u = 0; u < pixels; u++) if (truth[u] != ignore && pred[e][u] == truth[u]) correct[e]++;
            }
            for (int u = 0; u < pixels; u++) if (truth[u] != ignore) validPixels++;
        }
        ensureCapacity(n + 1);
        System.arraycopy(row, 0, conf, n * numExits, numExits);
        for (int r = 0; r < risks.size(); r++) System.arraycopy(lossRows[r], 0, tables[r], n * numExits, numExits);
        labelled = hasTruth;
        n++;
    }

    private double brier(float[][] probs, double[][] sumSq, int e, int[] target, int[] truth) {
        int last = numExits - 1;
        return DenseLosses.brierDifference(probs[e], sumSq[e], probs[last], sumSq[last], target, truth, ignore);
    }

    private void validate(int image, float[][] probsPerExit, int[] truth) {
        if (probsPerExit == null || probsPerExit.length != numExits) {
            throw new IllegalArgumentException("image " + image + ": expected probabilities of " + numExits
                    + " exits, got " + (probsPerExit == null ? "null" : probsPerExit.length));
        }
        int want = classes * pixels;
        for (int e = 0; e < numExits; e++) {
            float[] p = probsPerExit[e];
            if (p == null || p.length != want) {
                throw new IllegalArgumentException("image " + image + ", exit " + e + ": expected C * H * W = "
                        + classes + " * " + height + " * " + width + " = " + want + " probabilities, got "
                        + (p == null ? "null" : p.length));
            }
            for (int u = 0; u < pixels; u++) {
                double s = 0;
                for (int c = 0; c < classes; c++) {
                    float v = p[c * pixels + u];
                    if (!(v >= 0f && v <= 1f)) {
                        throw new IllegalArgumentException("image " + image + ", exit " + e + ": probability of class "
                                + c + " at pixel (" + (u / width) + ", " + (u % width) + ") is " + v
                                + "; must be finite and in [0, 1] (logits? apply a softmax over the class axis)");
                    }
                    s += v;
                }
                if (Math.abs(s - 1.0) > ExitOutputs.SUM_TOLERANCE) {
                    throw new IllegalArgumentException("image " + image + ", exit " + e + ": probabilities at pixel ("
                            + (u / width) + ", " + (u % width) + ") sum to " + s + ", not 1 (tolerance "
                            + ExitOutputs.SUM_TOLERANCE + "; is the layout [c][h][w], softmax over classes?)");
                }
            }
        }
        if (truth != null) {
            if (truth.length != pixels) {
                throw new IllegalArgumentException("image " + image + ": expected H * W = " + pixels + " labels, got "
                        + truth.length);
            }
            for (int u = 0; u < pixels; u++) {
                int y = truth[u];
                if (y != ignore && (y < 0 || y >= classes)) {
                    throw new IllegalArgumentException("image " + image + ": label at pixel (" + (u / width) + ", "
                            + (u % width) + ") is " + y + ", outside [0, " + classes + ") and not the ignore label "
                            + ignore);
                }
            }
        }
    }

    private void ensureCapacity(int images) {
        int need = images * numExits;
        if (need <= conf.length) return;
        int cap = Math.max(need, conf.length * 2);
        conf = Arrays.copyOf(conf, cap);
        for (int r = 0; r < tables.length; r++) tables[r] = Arrays.copyOf(tables[r], cap);
    }

    /** The number of images added. */
    public int numImages() {
        return n;
    }

    /** The risks whose tables {@link #build} gives: the requested ones, less the label risks when unlabelled. */
    public List<DenseRisk> tabulatedRisks() {
        List<DenseRisk> out = new ArrayList<>();
        for (DenseRisk r : risks) if (!r.needsLabels() || Boolean.TRUE.equals(labelled)) out.add(r);
        return out;
    }

    /** The confidence used. */
    public DenseConfidence confidence() {
        return confidence;
    }

    /**
     * The table-only outputs of the images added so far: {@code confidence} (N, L), one loss table per
     * {@link #tabulatedRisks() tabulated risk} under its name with its declared bounds, and the flops. The builder
     * may go on adding images afterwards.
     *
     * @param flopsPerExit cumulative compute to reach each exit (length L), or null to cost exits by index
     * @throws IllegalArgumentException with no image, or no risk that could be tabulated
     */
    public ExitOutputs build(double[] flopsPerExit) {
        if (n == 0) throw new IllegalArgumentException("no image was added");
        List<DenseRisk> done = tabulatedRisks();
        if (done.isEmpty()) {
            throw new IllegalArgumentException("no risk could be tabulated: " + risks + " need labels and the images"
                    + " had none; add miscoverage, pixel-brier-sampled or pixel-brier-argmax");
        }
        ExitOutputs.Builder b = ExitOutputs.builder(n, numExits)
                .confidence(Arrays.copyOf(conf, n * numExits))
                .flops(flopsPerExit);
        for (int r = 0; r < risks.size(); r++) {
            DenseRisk risk = risks.get(r);
            if (!done.contains(risk)) continue;
            b.lossTable(risk.riskName(), risk.lowerBound(), risk.upperBound(), Arrays.copyOf(tables[r], n * numExits));
        }
        return b.build();
    }

    /**
     * The fraction of labelled (non-ignored) pixels each exit gets right, over every image added.
     *
     * @throws IllegalStateException when the images are unlabelled or none was added
     */
    public double[] pixelAccuracyPerExit() {
        requireLabelled();
        double[] out = new double[numExits];
        for (int e = 0; e < numExits; e++) out[e] = validPixels == 0 ? Double.NaN : (double) correct[e] / validPixels;
        return out;
    }

    /**
     * The dataset mIoU of each exit over every image added: per class, intersection and union summed over all
     * non-ignored pixels of all images, then the mean IoU over the classes with a non-empty union (the usual
     * segmentation benchmark figure, unlike the per-image mIoU of the {@code miou-gap} loss).
     *
     * @throws IllegalStateException when the images are unlabelled or none was added
     */
    public double[] meanIoUPerExit() {
        requireLabelled();
        double[] out = new double[numExits];
        for (int e = 0; e < numExits; e++) {
            double s = 0;
            int present = 0;
            for (int c = 0; c < classes; c++) {
                if (union[e][c] > 0) {
                    s += (double) inter[e][c] / union[e][c];
                    present++;
                }
            }
            out[e] = present == 0 ? Double.NaN : s / present;
        }
        return out;
    }

    private void requireLabelled() {
        if (!Boolean.TRUE.equals(labelled)) {
            throw new IllegalStateException(n == 0 ? "no image was added" : "the images have no truth");
        }
    }
}
