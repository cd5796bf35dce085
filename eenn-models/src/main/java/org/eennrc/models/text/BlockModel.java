package org.eennrc.models.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitRule;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference on a trained transformer, one SameDiff graph per block (see {@link TextTransformer#buildBlock}).
 *
 * <p>Block b takes the hidden state of block b-1 ([B, T, d]) and the mask, and gives its hidden state and exit
 * probabilities. So real early exit is block by block with sub-batch compaction: after exit b, the samples whose
 * confidence passed λ are answered and removed, and only the hidden states of the others go into block b+1.
 * {@code sd.output} evaluates only the ancestors of the requested variables, so the last block's hidden state and
 * the heads not needed are never computed.
 */
public final class BlockModel {
    private final TransformerConfig config;
    private final List<SameDiff> blocks = new ArrayList<>();

    public BlockModel(TransformerConfig config, Map<String, INDArray> params) {
        this.config = config;
        for (int b = 0; b < config.blocks(); b++) {
            blocks.add(TextTransformer.buildBlock(config, params, b));
        }
    }

    public TransformerConfig config() {
        return config;
    }

    /** Runs block b on input (ids for b = 0, hidden state otherwise) and mask; returns the requested outputs. */
    Map<String, INDArray> runBlock(int b, INDArray input, INDArray mask, boolean hidden, boolean probs) {
        Map<String, INDArray> in = new HashMap<>();
        in.put(TextTransformer.MASK, mask);
        in.put(b == 0 ? TextTransformer.IDS : TextTransformer.HIDDEN_IN, input);
        List<String> want = new ArrayList<>(2);
        if (hidden) {
            want.add(TextTransformer.hiddenName(b));
        }
        if (probs) {
            want.add(TextTransformer.probsName(b));
        }
        return blocks.get(b).output(in, want);
    }

    /** Softmax outputs of every exit, flat {@code probs[(i * L + l) * C + c]}. */
    public float[] allExitProbabilities(EncodedTexts data, int batchSize) {
        int n = data.size();
        int exits = config.blocks();
        int classes = config.numClasses();
        float[] out = new float[n * exits * classes];
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            INDArray mask = data.maskBatch(null, from, to);
            INDArray h = data.idsBatch(null, from, to);
            for (int b = 0; b < exits; b++) {
                Map<String, INDArray> o = runBlock(b, h, mask, b < exits - 1, true);
                float[][] p = o.get(TextTransformer.probsName(b)).toFloatMatrix();
                for (int j = 0; j < p.length; j++) {
                    System.arraycopy(p[j], 0, out, ((from + j) * exits + b) * classes, classes);
                }
                h = o.get(TextTransformer.hiddenName(b));
            }
        }
        return out;
    }

    /** Per-exit accuracy. */
    public double[] accuracy(EncodedTexts data, int batchSize) {
        float[] p = allExitProbabilities(data, batchSize);
        int exits = config.blocks();
        int classes = config.numClasses();
        double[] acc = new double[exits];
        for (int i = 0; i < data.size(); i++) {
            for (int l = 0; l < exits; l++) {
                if (argmax(p, (i * exits + l) * classes, classes) == data.labels()[i]) {
                    acc[l]++;
                }
            }
        }
        for (int l = 0; l < exits; l++) {
            acc[l] /= Math.max(1, data.size());
        }
        return acc;
    }

    /** Every exit on every text, as eenn-core outputs with labels and cumulative MACs per exit. */
    public ExitOutputs exitOutputs(EncodedTexts data, int batchSize) {
        return ExitOutputs.builder(data.size(), config.blocks(), config.numClasses())
                .probsOwned(allExitProbabilities(data, batchSize))
                .labels(data.labels())
                .flops(config.cumulativeMacsPerExit())
                .build();
    }

    /** Outcome of an inference run: per-text prediction and exit (0-based), wall seconds. */
    public record Result(int[] predictions, int[] exits, double seconds, int numExits) {
        public int[] exitHistogram() {
            int[] h = new int[numExits];
            for (int e : exits) {
                h[e]++;
            }
            return h;
        }

        public double textsPerSecond() {
            return predictions.length / seconds;
        }

        public double meanExitLayer() {
            double s = 0;
            for (int e : exits) {
                s += e + 1;
            }
            return s / exits.length;
        }

        public double accuracy(int[] labels) {
            int c = 0;
            for (int i = 0; i < labels.length; i++) {
                if (predictions[i] == labels[i]) {
                    c++;
                }
            }
            return c / (double) labels.length;
        }
    }

    /**
     * Real early exit with threshold λ: block by block, a text leaves at the first exit whose confidence is
     * {@code > λ} (the last exit answers for the rest), and only the texts still running go on to the next block.
     *
     * <p>With {@code batchSize > 1} the run is level by level over groups of up to 16 batches: block b runs on all
     * texts of the group still running, compacted and re-batched into full batches of {@code batchSize}, so later
     * blocks do not run on tiny sub-batches (whose per-call overhead would eat the saving). With
     * {@code batchSize == 1} each text goes depth-first through the blocks until it exits.
     */
    public Result earlyExit(EncodedTexts data, double lambda, ConfidenceMeasure measure, int batchSize) {
        int n = data.size();
        int[] preds = new int[n];
        int[] exits = new int[n];
        long t0 = System.nanoTime();
        int group = batchSize == 1 ? 1 : batchSize * 16;
        for (int from = 0; from < n; from += group) {
            int to = Math.min(n, from + group);
            earlyExitGroup(data.idsBatch(null, from, to), data.maskBatch(null, from, to), lambda, measure, batchSize,
                    preds, exits, from);
        }
        return new Result(preds, exits, (System.nanoTime() - t0) / 1e9, config.blocks());
    }

    /**
     * Early exit of a group of texts, level by level with re-batching (see {@link #earlyExit}); writes predictions
     * and exits of its rows at {@code offset}.
     */
    public void earlyExitGroup(INDArray ids, INDArray mask, double lambda, ConfidenceMeasure measure, int batchSize,
                               int[] preds, int[] exits, int offset) {
        int exitsN = config.blocks();
        int classes = config.numClasses();
        long t = config.maxLength();
        long d = config.dModel();
        int n0 = (int) ids.size(0);
        int[] active = new int[n0];
        for (int j = 0; j < n0; j++) {
            active[j] = j;
        }
        INDArray h = ids;
        INDArray m = mask;
        float[] p = new float[classes];
        for (int b = 0; b < exitsN; b++) {
            boolean last = b == exitsN - 1;
            int na = active.length;
            INDArray next = last ? null : Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, na, t, d);
            int[] keep = new int[na];
            int kept = 0;
            for (int s = 0; s < na; s += batchSize) {
                int e = Math.min(na, s + batchSize);
                boolean whole = s == 0 && e == na;
                // standalone copies of the rows (cheap); a run with offset views stalled in scalar ops, but so did one with
                // copies while another job shared the cores, so the cause (views or OpenMP oversubscription) is open
                INDArray hs = whole ? h : h.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(s, e)).dup();
                INDArray ms = whole ? m : m.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(s, e)).dup();
                Map<String, INDArray> o = runBlock(b, hs, ms, !last, true);
                float[] probs = o.get(TextTransformer.probsName(b)).data().asFloat();
                if (!last) {
                    next.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(s, e))
                            .assign(o.get(TextTransformer.hiddenName(b)));
                }
                for (int j = s; j < e; j++) {
                    System.arraycopy(probs, (j - s) * classes, p, 0, classes);
                    normaliseLikeExitOutputs(p);
                    if (last || measure.confidence(p) > lambda) {
                        preds[offset + active[j]] = argmax(p, 0, classes);
                        exits[offset + active[j]] = b;
                    } else {
                        keep[kept++] = j;
                    }
                }
            }
            if (kept == 0 || last) {
                return;
            }
            if (kept < na) {
                int[] rows = java.util.Arrays.copyOf(keep, kept);
                next = Nd4j.pullRows(next.reshape(na, t * d), 1, rows).reshape(kept, t, d);
                m = Nd4j.pullRows(m, 1, rows);
                int[] nextActive = new int[kept];
                for (int j = 0; j < kept; j++) {
                    nextActive[j] = active[keep[j]];
                }
                active = nextActive;
            }
            h = next;
        }
    }

    /** Early exit of one batch, depth-first (the group of {@link #earlyExitGroup} with one batch). */
    public void earlyExitBatch(INDArray ids, INDArray mask, double lambda, ConfidenceMeasure measure, int[] preds,
                               int[] exits, int offset) {
        earlyExitGroup(ids, mask, lambda, measure, (int) ids.size(0), preds, exits, offset);
    }

    /** The full model only (all blocks, the last exit head), for the speed-up baseline. */
    public Result fullModel(EncodedTexts data, int batchSize) {
        int n = data.size();
        int[] preds = new int[n];
        int[] exits = new int[n];
        int last = config.blocks() - 1;
        int classes = config.numClasses();
        long t0 = System.nanoTime();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            INDArray mask = data.maskBatch(null, from, to);
            INDArray h = data.idsBatch(null, from, to);
            for (int b = 0; b < last; b++) {
                h = runBlock(b, h, mask, true, false).get(TextTransformer.hiddenName(b));
            }
            float[] probs = runBlock(last, h, mask, false, true).get(TextTransformer.probsName(last)).data().asFloat();
            for (int j = 0; j < to - from; j++) {
                preds[from + j] = argmax(probs, j * classes, classes);
                exits[from + j] = last;
            }
        }
        return new Result(preds, exits, (System.nanoTime() - t0) / 1e9, config.blocks());
    }

    /** The exits and predictions that the exit rule gives on exported outputs (simulated early exit). */
    public static Result simulate(ExitOutputs outputs, double lambda, ConfidenceMeasure measure) {
        double[] conf = measure.confidences(outputs);
        int n = outputs.numSamples();
        int[] preds = new int[n];
        int[] exits = new int[n];
        for (int i = 0; i < n; i++) {
            exits[i] = ExitRule.exit(conf, i, outputs.numExits(), lambda);
            preds[i] = outputs.prediction(i, exits[i]);
        }
        return new Result(preds, exits, 0, outputs.numExits());
    }

    /**
     * The renormalisation that {@link ExitOutputs} applies to every probability vector (sum in double, then
     * multiply by the float 1/sum), so that the confidences of real early exit are bit-identical to those computed
     * from exported outputs.
     */
    static void normaliseLikeExitOutputs(float[] p) {
        double sum = 0;
        for (float v : p) {
            sum += v;
        }
        if (sum != 1.0) {
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < p.length; j++) {
                p[j] *= inv;
            }
        }
    }

    static int argmax(float[] a, int off, int len) {
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
