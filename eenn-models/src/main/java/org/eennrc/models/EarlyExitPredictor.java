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
     * Real early exit with threshold λ and a confidence measure. The time reported covers the network work and the
     * bookkeeping, not the iterator's production of the batches.
     */
    public ExitResult predict(MultiDataSetIterator data, double lambda, ConfidenceMeasure measure) {
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("λ must be in [0, 1], got " + lambda);
        }
        double[] thresholds = new double[model.numExits() - 1];
        Arrays.fill(thresholds, lambda);
        return predict(data, thresholds, measure);
    }

    /**
     * Real early exit with one threshold per exit (docs/method.md §7): a sample leaves exit s &lt; L − 1 when its
     * confidence there is strictly above {@code thresholds[s]}.
     *
     * @param thresholds λ_0 … λ_{L−2}, each in [0, 1]
     */
    public ExitResult predict(MultiDataSetIterator data, double[] thresholds, ConfidenceMeasure measure) {
        Batches.reset(data);
        Run run = new Run(thresholds, measure);
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
            ExitOutputs eo = Batches.oneExit(model.run(last, state, false, true).probabilities(), model.numClasses());
            int[] p = new int[eo.numSamples()];
            for (int j = 0; j < p.length; j++) {
                p[j] = eo.prediction(j, 0);
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

    /** The state of one early-exit run. */
    private final class Run {
        final double[] thresholds;
        final ConfidenceMeasure measure;
        final Pending[] pending;
        int[] preds = new int[1024];
        int[] exits = new int[1024];
        int batchSize;

        Run(double[] thresholds, ConfidenceMeasure measure) {
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
            this.measure = measure;
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

        /** Runs stage s on the samples {@code ids}; queues the ones that stay for stage s + 1. */
        void stage(int s, int[] ids, Map<String, INDArray> state) {
            int m = ids.length;
            boolean last = s == model.numExits() - 1;
            ExitStage.Output o = model.run(s, state, !last, true);
            ExitOutputs eo = Batches.oneExit(o.probabilities(), model.numClasses());
            if (last) {
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
                if (conf[j] > thresholds[s]) { // the exit rule: strict ">"
                    preds[ids[j]] = eo.prediction(j, 0);
                    exits[ids[j]] = s;
                } else {
                    keep[kept++] = j;
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
