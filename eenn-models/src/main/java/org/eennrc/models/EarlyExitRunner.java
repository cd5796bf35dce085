package org.eennrc.models;

import java.nio.file.Path;
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
        Dl4jRuntime.init();
        this.config = config;
        this.stages = StageGraphs.split(config, full);
        this.lastExitOnly = MultiExitResNet.buildLastExitOnly(config);
        StageGraphs.copyParamsByName(full, lastExitOnly);
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

    /** Real early exit over a data set in batches of {@code batchSize} (1 allowed). */
    public Result run(ImageSet data, double lambda, ConfidenceMeasure measure, int batchSize) {
        int n = data.size();
        int[] preds = new int[n];
        int[] exits = new int[n];
        double secs = 0;
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            INDArray x = data.features(from, to);
            long t0 = System.nanoTime();
            runBatch(x, lambda, measure, preds, exits, from);
            secs += (System.nanoTime() - t0) / 1e9;
        }
        return new Result(preds, exits, secs, config.numExits());
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
                long[] shape = trunk.shape();
                long per = trunk.length() / m;
                INDArray flat = trunk.reshape('c', m, per);
                INDArray sub = Nd4j.pullRows(flat, 1, Arrays.copyOf(keep, kept));
                shape[0] = kept;
                trunk = sub.reshape('c', shape);
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
        double secs = 0;
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            INDArray x = data.features(from, to);
            long t0 = System.nanoTime();
            INDArray probs = lastExitOnly.outputSingle(false, x);
            float[] p = probs.dup('c').data().asFloat();
            secs += (System.nanoTime() - t0) / 1e9;
            ExitOutputs eo = ExitOutputs.builder(to - from, 1, config.numClasses()).probsOwned(p).build();
            for (int j = 0; j < to - from; j++) {
                preds[from + j] = eo.prediction(j, 0);
            }
        }
        return new Result(preds, exits, secs, config.numExits());
    }

    /**
     * The simulated exit of SPEC §1 on exported outputs: {@link ExitRule} on the measure's confidences. What
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
