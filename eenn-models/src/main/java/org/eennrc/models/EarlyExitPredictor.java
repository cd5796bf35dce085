package org.eennrc.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.models.internal.Batches;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Real (progressive) early exit over the stages of a {@link StagedModel} (method.md §1). A batch goes through stage
 * 1; the samples whose confidence at exit 1 is strictly above λ leave with that exit's prediction; the arrays the
 * others need later are compacted to their rows and go on to stage 2; and so on. The last exit answers for whatever
 * remains. Later stages therefore compute only the samples that need them.
 *
 * <p>Decisions are exactly the simulated exit's ({@link ExitPolicy#apply}): each stage's probabilities are wrapped
 * in a one-exit {@link ExitOutputs} (the validation and renormalisation of exported outputs), the confidence comes from
 * the policy's {@link ConfidenceMeasure}, and the test is {@code c > λ}.
 *
 * <p>Batching: the samples that stay are queued per stage across input batches, and stage s runs whenever a full batch
 * (the size of the largest input batch so far) waits for it, and once more at the end for the rest. Later stages thus
 * run on full batches instead of ever smaller remnants, which keeps the per-call overhead low. With batches of one
 * sample each sample goes depth-first until it leaves. Decisions do not depend on the batching, with one caveat:
 * oneDNN chooses its algorithms per input shape, so a probability can differ in its last float bits between batch
 * sizes (measured: up to about 1e-7), and a sample whose confidence lies within that rounding of λ can go either
 * way. The tests pick λ between observed confidences; on real data such ties are rare, and they move the measured
 * risk by at most one sample.
 *
 * <p>Exits whose output is not a row of class probabilities, such as a segmentation exit's [B, C, H, W] per-pixel
 * probabilities, go through {@link #predict(MultiDataSetIterator, double, ExampleConfidence, AnswerSink)}: the same
 * rule and batching, with one confidence per example from an {@link ExampleConfidence} (for segmentation an image
 * confidence aggregated from the pixels, method.md §6) and each example's answer handed to an {@link AnswerSink}.
 *
 * <p>A head whose exit no sample can take is not run: with a built-in confidence (at most 1) and λ ≥ 1, the
 * intermediate stages run their trunks only, so "never exit early" costs what the full model costs. A confidence
 * measure from a plug-in keeps its heads, since nothing guarantees that it stays at most 1.
 *
 * <p>Not thread-safe (DL4J and SameDiff graphs are not): one predictor per thread.
 */
public final class EarlyExitPredictor {
    private final StagedModel model;

    EarlyExitPredictor(StagedModel model) {
        this.model = model;
    }

    /** The model this predictor runs. */
    public StagedModel model() {
        return model;
    }

    /**
     * Applies a calibrated policy with real early exit.
     *
     * @throws IllegalArgumentException if the policy was calibrated for another number of exits
     */
    public ExitResult predict(MultiDataSetIterator data, ExitPolicy policy) {
        if (policy.numExits() != model.numExits()) {
            throw new IllegalArgumentException("the policy was calibrated for " + policy.numExits()
                    + " exits but the model has " + model.numExits());
        }
        return predict(data, policy.thresholds(), ConfidenceMeasures.byName(policy.confidence()));
    }

    /** {@link #predict(MultiDataSetIterator, ExitPolicy)} for DL4J's single-input {@code DataSetIterator}. */
    public ExitResult predict(org.nd4j.linalg.dataset.api.iterator.DataSetIterator data, ExitPolicy policy) {
        return predict(new org.nd4j.linalg.dataset.adapter.MultiDataSetIteratorAdapter(data), policy);
    }

    /**
     * The confidence of every example of one exit's output on a batch, for exits whose output is not a row of class
     * probabilities: e.g. a segmentation exit's [B, C, H, W] per-pixel probabilities, aggregated to one number per
     * image (method.md §1: an example leaves at the first exit whose confidence is above λ).
     */
    @FunctionalInterface
    public interface ExampleConfidence {
        /** One confidence per example (row) of {@code output}. */
        double[] confidences(INDArray output);
    }

    /** Receives the answer of each example as it leaves: the exit's output on its batch, and the example's row. */
    @FunctionalInterface
    public interface AnswerSink {
        /**
         * @param sample the example's index in the data (0-based, in iterator order)
         * @param exit   the 0-based exit it left at
         * @param output that exit's output on the batch the example was in (valid during the call only)
         * @param row    the example's row of {@code output}
         */
        void accept(int sample, int exit, INDArray output, int row);
    }

    /**
     * Real early exit with threshold λ and a confidence measure. The time reported covers the network work and the
     * bookkeeping, not the iterator's production of the batches.
     */
    public ExitResult predict(MultiDataSetIterator data, double lambda, ConfidenceMeasure measure) {
        return predict(data, filled(lambda), measure);
    }

    /**
     * Real early exit with one threshold per exit (docs/method.md §7): a sample leaves exit s &lt; L − 1 when its
     * confidence there is strictly above {@code thresholds[s]}.
     *
     * @param thresholds λ_0 … λ_{L−2}, each in [0, 1]
     */
    public ExitResult predict(MultiDataSetIterator data, double[] thresholds, ConfidenceMeasure measure) {
        return predict(data, new Run(thresholds, classes(measure), null));
    }

    /**
     * Real early exit for exits of any output shape (e.g. segmentation): an example leaves at the first exit whose
     * {@code confidence} is strictly above λ, the last exit answering for the rest, and {@code sink} (may be null)
     * receives each example's output at the exit it left at. The result's exits are the decisions; its predictions
     * are −1, as such an exit has no single class per example (the sink sees the answers).
     */
    public ExitResult predict(MultiDataSetIterator data, double lambda, ExampleConfidence confidence,
                              AnswerSink sink) {
        return predict(data, new Run(filled(lambda), dense(confidence), sink));
    }

    /** λ for every exit but the last: the shared threshold as per-exit ones. */
    private double[] filled(double lambda) {
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("λ must be in [0, 1], got " + lambda);
        }
        double[] thresholds = new double[model.numExits() - 1];
        Arrays.fill(thresholds, lambda);
        return thresholds;
    }

    private ExitResult predict(MultiDataSetIterator data, Run run) {
        Batches.reset(data);
        long busy = 0;
        int from = 0;
        while (data.hasNext()) {
            MultiDataSet batch = data.next();
            long t0 = System.nanoTime();
            int k = Batches.size(batch);
            run.batchSize = Math.max(run.batchSize, k);
            int[] ids = new int[k];
            for (int j = 0; j < k; j++) {
                ids[j] = from + j;
            }
            from += k;
            run.grow(from);
            run.stage(0, ids, model.inputs(batch));
            busy += System.nanoTime() - t0;
        }
        long t0 = System.nanoTime();
        for (int s = 1; s < model.numExits(); s++) { // flush what is left, in stage order
            if (run.pending[s].count > 0) {
                Pending.Taken t = run.pending[s].take(run.pending[s].count);
                run.stage(s, t.ids(), t.state());
            }
        }
        busy += System.nanoTime() - t0;
        return new ExitResult(Arrays.copyOf(run.preds, from), Arrays.copyOf(run.exits, from), model.numExits(),
                busy / 1e9);
    }

    /**
     * The plain full model over a data set (every stage, only the last exit's head), the baseline for speed-ups.
     * Every sample's exit is L − 1.
     */
    public ExitResult fullModel(MultiDataSetIterator data) {
        return fullModel(data, classes(null), null);
    }

    /**
     * The plain full model for exits of any output shape (see {@link #predict(MultiDataSetIterator, double,
     * ExampleConfidence, AnswerSink)}): every sample's exit is L − 1, predictions are −1, and {@code sink} (may be
     * null) receives the last exit's output.
     */
    public ExitResult fullModel(MultiDataSetIterator data, AnswerSink sink) {
        return fullModel(data, dense(null), sink);
    }

    private ExitResult fullModel(MultiDataSetIterator data, Reader reader, AnswerSink sink) {
        Batches.reset(data);
        int last = model.numExits() - 1;
        List<int[]> preds = new ArrayList<>();
        long busy = 0;
        int n = 0;
        while (data.hasNext()) {
            MultiDataSet batch = data.next();
            long t0 = System.nanoTime();
            Map<String, INDArray> state = model.inputs(batch);
            for (int s = 0; s < last; s++) {
                state.putAll(model.run(s, state, true, false).state());
            }
            INDArray out = model.run(last, state, false, true).probabilities();
            Read r = reader.read(out);
            int[] p = new int[(int) out.size(0)];
            for (int j = 0; j < p.length; j++) {
                p[j] = r.prediction(j);
                if (sink != null) {
                    sink.accept(n + j, last, out, j);
                }
            }
            busy += System.nanoTime() - t0;
            preds.add(p);
            n += p.length;
        }
        int[] all = new int[n];
        int at = 0;
        for (int[] p : preds) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        int[] exits = new int[n];
        Arrays.fill(exits, last);
        return new ExitResult(all, exits, model.numExits(), busy / 1e9);
    }

    /** How a stage's exit output is read: per-example confidences (only asked before the last exit) and answers. */
    private interface Reader {
        Read read(INDArray output);

        /** Whether every confidence is known to be at most 1 (the built-in measures), so λ ≥ 1 lets no one leave. */
        default boolean atMostOne() {
            return false;
        }
    }

    private interface Read {
        double[] confidences();

        int prediction(int row);
    }

    /** Rows of class probabilities, read as exported outputs are, so that confidences are bit-identical. */
    private Reader classes(ConfidenceMeasure measure) {
        boolean bounded = measure == ConfidenceMeasures.MAX_SOFTMAX || measure == ConfidenceMeasures.TOP_DIFF
                || measure == ConfidenceMeasures.ENTROPY;
        return new Reader() {
            @Override
            public Read read(INDArray output) {
                ExitOutputs eo = Batches.oneExit(output, model.numClasses());
                return new Read() {
                    @Override
                    public double[] confidences() {
                        return measure.confidences(eo);
                    }

                    @Override
                    public int prediction(int row) {
                        return eo.prediction(row, 0);
                    }
                };
            }

            @Override
            public boolean atMostOne() {
                return bounded;
            }
        };
    }

    /** Any output, with a per-example confidence; no class per example. */
    private static Reader dense(ExampleConfidence confidence) {
        return output -> new Read() {
            @Override
            public double[] confidences() {
                double[] c = confidence.confidences(output);
                if (c.length != output.size(0)) {
                    throw new IllegalStateException("the confidence gave " + c.length + " values for "
                            + output.size(0) + " examples");
                }
                return c;
            }

            @Override
            public int prediction(int row) {
                return -1;
            }
        };
    }

    /** The state of one early-exit run. */
    private final class Run {
        final double[] thresholds;
        final Reader reader;
        final AnswerSink sink;
        final Pending[] pending;
        int[] preds = new int[1024];
        int[] exits = new int[1024];
        int batchSize;

        Run(double[] thresholds, Reader reader, AnswerSink sink) {
            if (thresholds.length != model.numExits() - 1) {
                throw new IllegalArgumentException(thresholds.length + " thresholds given but the model has "
                        + model.numExits() + " exits (one threshold per exit but the last)");
            }
            for (double t : thresholds) {
                if (!(t >= 0 && t <= 1)) {
                    throw new IllegalArgumentException("λ must be in [0, 1], got " + t);
                }
            }
            this.thresholds = thresholds.clone();
            this.reader = reader;
            this.sink = sink;
            pending = new Pending[model.numExits()];
            for (int s = 0; s < pending.length; s++) {
                pending[s] = new Pending();
            }
        }

        void grow(int n) {
            if (n > preds.length) {
                int len = Math.max(n, preds.length * 2);
                preds = Arrays.copyOf(preds, len);
                exits = Arrays.copyOf(exits, len);
            }
        }

        void leave(int id, int s, Read eo, INDArray output, int row) {
            preds[id] = eo.prediction(row);
            exits[id] = s;
            if (sink != null) {
                sink.accept(id, s, output, row);
            }
        }

        /**
         * Whether a sample can leave at intermediate exit s at all. A built-in confidence is at most 1 and the rule is
         * strict ({@code c > λ_s}), so at λ_s ≥ 1 none can: the head's probabilities would be computed only to be
         * thrown away, and skipping it changes no decision. A measure from elsewhere (or a per-example confidence)
         * might break the [0, 1] contract, so its head is always run and the decision stays the simulated exit's.
         */
        boolean canExit(int s) {
            return !(reader.atMostOne() && thresholds[s] >= 1);
        }

        /** Runs stage s on the samples {@code ids}; queues the ones that stay for stage s + 1. */
        void stage(int s, int[] ids, Map<String, INDArray> state) {
            int m = ids.length;
            boolean last = s == model.numExits() - 1;
            boolean head = last || canExit(s); // no head where no sample can leave: run the trunk only
            ExitStage.Output o = model.run(s, state, !last, head);
            if (last) {
                Read eo = reader.read(o.probabilities());
                for (int j = 0; j < m; j++) {
                    leave(ids[j], s, eo, o.probabilities(), j);
                }
                return;
            }
            int[] keep = new int[m];
            int kept = 0;
            if (!head) {
                for (int j = 0; j < m; j++) {
                    keep[kept++] = j;
                }
            } else {
                Read eo = reader.read(o.probabilities());
                double[] conf = eo.confidences();
                for (int j = 0; j < m; j++) {
                    if (conf[j] > thresholds[s]) { // the exit rule: strict ">"
                        leave(ids[j], s, eo, o.probabilities(), j);
                    } else {
                        keep[kept++] = j;
                    }
                }
            }
            if (kept == 0) {
                return;
            }
            Map<String, INDArray> next = new HashMap<>();
            int[] rows = Arrays.copyOf(keep, kept);
            for (String name : model.carry(s)) {
                INDArray a = o.state().containsKey(name) ? o.state().get(name) : state.get(name);
                next.put(name, kept == m ? a : Batches.rows(a, rows));
            }
            int[] keptIds = new int[kept];
            for (int j = 0; j < kept; j++) {
                keptIds[j] = ids[keep[j]];
            }
            pending[s + 1].add(keptIds, next);
            while (pending[s + 1].count >= batchSize) {
                Pending.Taken t = pending[s + 1].take(batchSize);
                stage(s + 1, t.ids(), t.state());
            }
        }
    }

    /** Samples waiting for one stage: chunks of named arrays with the samples' indices. */
    private static final class Pending {
        final List<Map<String, INDArray>> chunks = new ArrayList<>();
        final List<int[]> ids = new ArrayList<>();
        int count;

        record Taken(int[] ids, Map<String, INDArray> state) {
        }

        void add(int[] sampleIds, Map<String, INDArray> state) {
            chunks.add(state);
            ids.add(sampleIds);
            count += sampleIds.length;
        }

        /** Removes the first k queued samples. */
        Taken take(int k) {
            int[] allIds = new int[count];
            int p = 0;
            for (int[] a : ids) {
                System.arraycopy(a, 0, allIds, p, a.length);
                p += a.length;
            }
            Map<String, INDArray> all = new HashMap<>();
            for (String name : chunks.get(0).keySet()) {
                if (chunks.size() == 1) {
                    all.put(name, chunks.get(0).get(name));
                } else {
                    INDArray[] parts = new INDArray[chunks.size()];
                    for (int c = 0; c < parts.length; c++) {
                        parts[c] = chunks.get(c).get(name);
                    }
                    all.put(name, Nd4j.concat(0, parts));
                }
            }
            int rest = count - k;
            chunks.clear();
            ids.clear();
            count = 0;
            if (rest == 0) {
                return new Taken(allIds, all);
            }
            Map<String, INDArray> head = new HashMap<>();
            Map<String, INDArray> tail = new HashMap<>();
            for (Map.Entry<String, INDArray> e : all.entrySet()) {
                head.put(e.getKey(), e.getValue().get(NDArrayIndex.interval(0, k)).dup('c'));
                tail.put(e.getKey(), e.getValue().get(NDArrayIndex.interval(k, k + rest)).dup('c'));
            }
            add(Arrays.copyOfRange(allIds, k, allIds.length), tail);
            return new Taken(Arrays.copyOf(allIds, k), head);
        }
    }
}
