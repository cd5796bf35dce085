package org.eennrc.models;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitRule;
import org.eennrc.models.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Real (progressive) early exit. The trained multi-exit graph is split into one small graph per stage (stage s
 * outputs its trunk activations and its exit's softmax; parameters copied by layer name). A batch goes through
 * stage 1; the samples whose confidence at exit 1 is strictly above λ leave with that exit's prediction; the
 * trunk activations of the others are compacted into a smaller batch that goes through stage 2; and so on. The last
 * exit answers for whatever remains. Later stages therefore only compute the samples that need them.
 *
 * <p>The decision per sample is exactly eenn-core's: each stage's probabilities are wrapped in a one-exit
 * {@link ExitOutputs} (same validation and renormalisation as exported outputs), the confidence comes from the
 * given {@link ConfidenceMeasure}, the test is {@code c > λ} ({@link ExitRule}), and the prediction is
 * {@link ExitOutputs#prediction}. Exit indices are 0-based like eenn-core's.
 *
 * <p>Not thread-safe (DL4J graphs are not); use one runner per thread.
 */
public final class EarlyExitRunner {
    private final MultiExitResNetConfig config;
    private final List<ComputationGraph> stages;
    private final ComputationGraph lastExitOnly;

    /** Splits {@code full} (a graph built by {@link MultiExitResNet#build}) into per-stage graphs. */
    public EarlyExitRunner(MultiExitResNetConfig config, ComputationGraph full) {
        this(config, full, false);
    }

    /**
     * As {@link #EarlyExitRunner(MultiExitResNetConfig, ComputationGraph)}; with {@code foldBatchNorm} the stage
     * graphs (and the full-model baseline) are in the folded inference form ({@link StageGraphs#copyParamsFolded}).
     * Their outputs then differ from the training graph's by float rounding; compare them with outputs exported
     * with the same setting ({@link Exporter#outputs(MultiExitResNetConfig, ComputationGraph, ImageSet, int, boolean)}).
     */
    public EarlyExitRunner(MultiExitResNetConfig config, ComputationGraph full, boolean foldBatchNorm) {
        Dl4jRuntime.init();
        this.config = config;
        this.stages = StageGraphs.split(config, full, foldBatchNorm);
        this.lastExitOnly = MultiExitResNet.buildLastExitOnly(config, foldBatchNorm);
        StageGraphs.copy(full, lastExitOnly, foldBatchNorm);
    }

    /** A runner for a saved model (training output directory or checkpoint zip). */
    public static EarlyExitRunner load(Path model) {
        ModelIO.TrainedModel m = ModelIO.load(model);
        return new EarlyExitRunner(m.config(), m.graph());
    }

    public MultiExitResNetConfig config() {
        return config;
    }

    /** Result of a run: per-sample prediction and 0-based exit, plus the wall time of the network work. */
    public record Result(int[] predictions, int[] exits, double seconds, int numExits) {
        /** Number of samples that left at each exit (index 0 = exit 1). */
        public int[] exitHistogram() {
            int[] h = new int[numExits];
            for (int e : exits) {
                h[e]++;
            }
            return h;
        }

        public double imagesPerSecond() {
            return predictions.length / seconds;
        }

        /** Mean 1-based exit layer. */
        public double meanExitLayer() {
            return Arrays.stream(exits).average().orElse(Double.NaN) + 1;
        }

        /** Fraction of predictions equal to the labels. */
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

    /** Applies a calibrated policy (its threshold and confidence measure) with real early exit. */
    public Result run(ExitPolicy policy, ImageSet data, int batchSize) {
        if (policy.numExits() != config.numExits()) {
            throw new IllegalArgumentException("policy was calibrated for " + policy.numExits()
                    + " exits but the model has " + config.numExits());
        }
        return run(data, policy.lambda(), ConfidenceMeasures.byName(policy.confidence()), batchSize);
    }

    /**
     * Entry point for {@code eenn infer --policy FILE}: loads the model (training output directory or checkpoint
     * zip), reads a Fashion-MNIST split (the validation split as the model was trained with) and applies the policy
     * with real early exit. The result has the predictions, the exits, the exit histogram and the throughput.
     */
    public static Result run(Path model, Path dataDir, Exporter.Split split, ExitPolicy policy, int batchSize) {
        ModelIO.TrainedModel m = ModelIO.load(model);
        org.eennrc.models.data.FashionMnist d = org.eennrc.models.data.FashionMnist.load(dataDir,
                Integer.parseInt(m.properties().getProperty("train.validationSize",
                        Integer.toString(org.eennrc.models.data.FashionMnist.DEFAULT_VALIDATION_SIZE))),
                Long.parseLong(m.properties().getProperty("train.splitSeed",
                        Long.toString(org.eennrc.models.data.FashionMnist.DEFAULT_SPLIT_SEED))));
        ImageSet data = switch (split) {
            case TEST -> d.test();
            case VALIDATION -> d.validation();
            case TRAIN -> d.train();
        };
        return new EarlyExitRunner(m.config(), m.graph()).run(policy, data, batchSize);
    }

    /**
     * Real early exit over a data set in batches of {@code batchSize} (1 allowed).
     *
     * <p>With {@code batchSize > 1}, the samples that stay in the network are queued per stage across input
     * batches: stage s runs whenever {@code batchSize} samples wait for it (and once more at the end for the rest).
     * Later stages therefore run on full batches instead of ever smaller remnants, which keeps oneDNN efficient and
     * the number of calls (each with a fixed overhead) low. Per-sample results do not depend on the batching.
     * The time reported covers the network work and the bookkeeping, not the conversion of the images to arrays.
     */
    public Result run(ImageSet data, double lambda, ConfidenceMeasure measure, int batchSize) {
        int n = data.size();
        int[] preds = new int[n];
        int[] exits = new int[n];
        List<INDArray> inputs = batches(data, batchSize);
        long t0 = System.nanoTime();
        if (batchSize == 1) {
            for (int i = 0; i < n; i++) {
                runBatch(inputs.get(i), lambda, measure, preds, exits, i);
            }
        } else {
            Queues q = new Queues(config.numExits());
            int from = 0;
            for (INDArray x : inputs) {
                int k = (int) x.size(0);
                int[] ids = new int[k];
                for (int j = 0; j < k; j++) {
                    ids[j] = from + j;
                }
                from += k;
                stage(0, ids, x, lambda, measure, preds, exits, q, batchSize);
            }
            for (int s = 1; s < config.numExits(); s++) { // flush what is left, in stage order
                if (q.count[s] > 0) {
                    INDArray x = q.take(s, q.count[s]);
                    int[] ids = q.takenIds;
                    stage(s, ids, x, lambda, measure, preds, exits, q, batchSize);
                }
            }
        }
        return new Result(preds, exits, (System.nanoTime() - t0) / 1e9, config.numExits());
    }

    private static List<INDArray> batches(ImageSet data, int batchSize) {
        List<INDArray> out = new ArrayList<>();
        for (int from = 0; from < data.size(); from += batchSize) {
            out.add(data.features(from, Math.min(data.size(), from + batchSize)));
        }
        return out;
    }

    /** Samples waiting for each stage: chunks of trunk activations with the samples' indices. */
    private static final class Queues {
        final List<List<INDArray>> rows = new ArrayList<>();
        final List<List<int[]>> ids = new ArrayList<>();
        final int[] count;
        int[] takenIds;

        Queues(int stages) {
            count = new int[stages];
            for (int s = 0; s < stages; s++) {
                rows.add(new ArrayList<>());
                ids.add(new ArrayList<>());
            }
        }

        void add(int s, int[] sampleIds, INDArray x) {
            rows.get(s).add(x);
            ids.get(s).add(sampleIds);
            count[s] += sampleIds.length;
        }

        /** Removes the first k queued samples of stage s; their ids are left in {@link #takenIds}. */
        INDArray take(int s, int k) {
            List<INDArray> r = rows.get(s);
            List<int[]> id = ids.get(s);
            INDArray all = r.size() == 1 ? r.get(0) : Nd4j.concat(0, r.toArray(new INDArray[0]));
            int[] allIds = new int[count[s]];
            int p = 0;
            for (int[] a : id) {
                System.arraycopy(a, 0, allIds, p, a.length);
                p += a.length;
            }
            r.clear();
            id.clear();
            takenIds = Arrays.copyOf(allIds, k);
            int rest = count[s] - k;
            count[s] = 0;
            if (rest == 0) {
                return all;
            }
            INDArray head = all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, k)).dup('c');
            INDArray tail = all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(k, k + rest)).dup('c');
            add(s, Arrays.copyOfRange(allIds, k, allIds.length), tail);
            return head;
        }
    }

    /** Runs stage s on the samples {@code ids} with inputs x; queues the ones that stay for stage s+1. */
    private void stage(int s, int[] ids, INDArray x, double lambda, ConfidenceMeasure measure, int[] preds,
                       int[] exits, Queues q, int batchSize) {
        int m = ids.length;
        INDArray[] o = stages.get(s).output(false, x);
        float[] p = o[o.length - 1].dup('c').data().asFloat();
        ExitOutputs eo = ExitOutputs.builder(m, 1, config.numClasses()).probsOwned(p).build();
        if (s == config.numExits() - 1) {
            for (int j = 0; j < m; j++) {
                preds[ids[j]] = eo.prediction(j, 0);
                exits[ids[j]] = s;
            }
            return;
        }
        double[] conf = measure.confidences(eo);
        int[] keep = new int[m];
        int kept = 0;
        for (int j = 0; j < m; j++) {
            if (conf[j] > lambda) { // ExitRule: strict ">"
                preds[ids[j]] = eo.prediction(j, 0);
                exits[ids[j]] = s;
            } else {
                keep[kept++] = j;
            }
        }
        if (kept == 0) {
            return;
        }
        INDArray trunk = o[0];
        int[] keptIds = new int[kept];
        for (int j = 0; j < kept; j++) {
            keptIds[j] = ids[keep[j]];
        }
        q.add(s + 1, keptIds, kept == m ? trunk : compact(trunk, m, Arrays.copyOf(keep, kept)));
        while (q.count[s + 1] >= batchSize) {
            INDArray next = q.take(s + 1, batchSize);
            stage(s + 1, q.takenIds, next, lambda, measure, preds, exits, q, batchSize);
        }
    }

    /** Rows {@code keep} of a [m, ...] array, as a new c-order array. */
    private static INDArray compact(INDArray a, int m, int[] keep) {
        long[] shape = a.shape();
        INDArray flat = a.reshape('c', m, a.length() / m);
        INDArray sub = Nd4j.pullRows(flat, 1, keep);
        shape[0] = keep.length;
        return sub.reshape('c', shape);
    }

    /**
     * Real early exit on one batch of normalised images [k, C, H, W]; writes predictions and 0-based exits of the
     * batch's samples to {@code preds[offset + j]} and {@code exits[offset + j]}.
     */
    public void runBatch(INDArray x, double lambda, ConfidenceMeasure measure, int[] preds, int[] exits, int offset) {
        int numExits = config.numExits();
        int classes = config.numClasses();
        int k = (int) x.size(0);
        int[] alive = new int[k]; // batch positions of the samples still in the network
        for (int j = 0; j < k; j++) {
            alive[j] = j;
        }
        int m = k;
        INDArray h = x;
        for (int s = 0; s < numExits; s++) {
            INDArray[] o = stages.get(s).output(false, h);
            INDArray probs = o[o.length - 1];
            float[] p = probs.dup('c').data().asFloat();
            if (s == numExits - 1) {
                ExitOutputs eo = ExitOutputs.builder(m, 1, classes).probsOwned(p).build();
                for (int j = 0; j < m; j++) {
                    preds[offset + alive[j]] = eo.prediction(j, 0);
                    exits[offset + alive[j]] = s;
                }
                return;
            }
            ExitOutputs eo = ExitOutputs.builder(m, 1, classes).probsOwned(p).build();
            double[] conf = measure.confidences(eo);
            int[] keep = new int[m];
            int kept = 0;
            for (int j = 0; j < m; j++) {
                if (conf[j] > lambda) { // ExitRule: strict ">"
                    preds[offset + alive[j]] = eo.prediction(j, 0);
                    exits[offset + alive[j]] = s;
                } else {
                    keep[kept++] = j;
                }
            }
            if (kept == 0) {
                return;
            }
            INDArray trunk = o[0];
            if (kept < m) {
                trunk = compact(trunk, m, Arrays.copyOf(keep, kept));
                int[] nextAlive = new int[kept];
                for (int j = 0; j < kept; j++) {
                    nextAlive[j] = alive[keep[j]];
                }
                alive = nextAlive;
                m = kept;
            }
            h = trunk;
        }
    }

    /**
     * The plain full model (whole trunk, last head only) over a data set: the baseline for speedups. Returns the
     * predictions with every exit set to L-1.
     */
    public Result runFullModel(ImageSet data, int batchSize) {
        int n = data.size();
        int[] preds = new int[n];
        int[] exits = new int[n];
        Arrays.fill(exits, config.numExits() - 1);
        List<INDArray> inputs = batches(data, batchSize);
        long t0 = System.nanoTime();
        int from = 0;
        for (INDArray x : inputs) {
            int k = (int) x.size(0);
            float[] p = lastExitOnly.outputSingle(false, x).dup('c').data().asFloat();
            ExitOutputs eo = ExitOutputs.builder(k, 1, config.numClasses()).probsOwned(p).build();
            for (int j = 0; j < k; j++) {
                preds[from + j] = eo.prediction(j, 0);
            }
            from += k;
        }
        return new Result(preds, exits, (System.nanoTime() - t0) / 1e9, config.numExits());
    }

    /**
     * The simulated exit of method.md §1 on exported outputs: {@link ExitRule} on the measure's confidences. What
     * {@link #run} must reproduce.
     */
    public static Result simulate(ExitOutputs outputs, double lambda, ConfidenceMeasure measure) {
        double[] conf = measure.confidences(outputs);
        int[] exits = ExitRule.exits(conf, outputs.numExits(), lambda);
        int[] preds = new int[exits.length];
        for (int i = 0; i < exits.length; i++) {
            preds[i] = outputs.prediction(i, exits[i]);
        }
        return new Result(preds, exits, 0, outputs.numExits());
    }
}
