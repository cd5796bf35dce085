package org.eennrc.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.eennrc.core.ExitOutputs;
import org.eennrc.models.internal.Batches;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * An early-exit model given stage by stage ({@link ExitStage}): stage l computes what exit l needs beyond stage
 * l − 1 and gives exit l's probabilities. The predictor it makes runs real early exit over the stages
 * ({@link EarlyExitPredictor}). Use it directly for a network given as per-block functions (SameDiff blocks through
 * {@link SameDiffStage}, or any {@link ExitStage}); {@link ComputationGraphModel} builds one from a DL4J graph.
 *
 * <p>The model's inputs are named: feature array i of a batch is {@code featureNames.get(i)} and its mask, if the
 * model uses one, {@code maskNames.get(i)} (null: no mask). Immutable; it holds the stages, whose thread-safety is
 * theirs (DL4J and SameDiff graphs are not thread-safe: one model per thread).
 */
public final class StagedModel implements EarlyExitModel {
    private final List<String> featureNames;
    private final List<String> maskNames;
    private final List<ExitStage> stages;
    private final int numClasses;
    /** carry.get(s): the names that samples leaving stage s for stage s + 1 must take along. */
    private final List<Set<String>> carry;

    private StagedModel(List<String> featureNames, List<String> maskNames, List<ExitStage> stages, int numClasses) {
        this.featureNames = List.copyOf(featureNames);
        this.maskNames = new ArrayList<>(maskNames == null ? List.of() : maskNames);
        this.stages = List.copyOf(stages);
        this.numClasses = numClasses;
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("an early-exit model needs at least one stage");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        Set<String> available = new HashSet<>(featureNames);
        for (String m : this.maskNames) {
            if (m != null) {
                available.add(m);
            }
        }
        for (int s = 0; s < stages.size(); s++) {
            for (String in : stages.get(s).inputs()) {
                if (!available.contains(in)) {
                    throw new IllegalArgumentException("stage " + (s + 1) + " reads '" + in + "', which is neither an "
                            + "input of the model " + featureNames + " nor produced by an earlier stage");
                }
            }
            available.addAll(stages.get(s).produces());
        }
        List<Set<String>> c = new ArrayList<>();
        Set<String> have = new HashSet<>(featureNames);
        this.maskNames.stream().filter(Objects::nonNull).forEach(have::add);
        for (int s = 0; s < stages.size(); s++) {
            have.addAll(stages.get(s).produces());
            Set<String> need = new LinkedHashSet<>();
            for (int t = s + 1; t < stages.size(); t++) {
                for (String in : stages.get(t).inputs()) {
                    if (have.contains(in)) {
                        need.add(in);
                    }
                }
            }
            c.add(need);
        }
        this.carry = c;
    }

    /**
     * A model from its stages.
     *
     * @param featureNames the name of each feature array of a batch, in order
     * @param maskNames the name of each feature array's mask (null entries, or a null list: no mask)
     * @param stages stage l gives exit l's probabilities; exit L is the full model
     * @param numClasses C
     */
    public static StagedModel of(List<String> featureNames, List<String> maskNames, List<ExitStage> stages,
                                 int numClasses) {
        return new StagedModel(featureNames, maskNames, stages, numClasses);
    }

    @Override
    public int numExits() {
        return stages.size();
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    /** The stages, exit 1 first. */
    public List<ExitStage> stages() {
        return stages;
    }

    @Override
    public double[] cumulativeCost() {
        double[] c = new double[stages.size()];
        double acc = 0;
        for (int s = 0; s < c.length; s++) {
            acc += stages.get(s).trunkCost() + stages.get(s).headCost();
            c[s] = acc;
        }
        return c;
    }

    @Override
    public double fullModelCost() {
        double acc = 0;
        for (ExitStage s : stages) {
            acc += s.trunkCost();
        }
        return acc + stages.get(stages.size() - 1).headCost();
    }

    @Override
    public ExitOutputs outputs(MultiDataSetIterator data) {
        int exits = numExits();
        return collectOutputs(data, exits, numClasses, cumulativeCost(), batch -> {
            Map<String, INDArray> state = inputs(batch);
            INDArray[] probs = new INDArray[exits];
            for (int s = 0; s < exits; s++) {
                ExitStage.Output o = run(s, state, s < exits - 1, true);
                probs[s] = o.probabilities();
                state.putAll(o.state());
            }
            return probs;
        });
    }

    /**
     * Every exit's probabilities on every sample of {@code data}, as exported outputs with the given costs and the
     * batches' labels (when every batch has them): {@code perExit} gives, for one batch, one [m, C] array per exit.
     * The one export loop of the models package.
     */
    static ExitOutputs collectOutputs(MultiDataSetIterator data, int exits, int numClasses, double[] costs,
                                      Function<MultiDataSet, INDArray[]> perExit) {
        Batches.reset(data);
        Batches.Floats probs = new Batches.Floats();
        List<int[]> labels = new ArrayList<>();
        boolean labelled = true;
        int n = 0;
        while (data.hasNext()) {
            MultiDataSet batch = data.next();
            int m = Batches.size(batch);
            INDArray[] o = perExit.apply(batch);
            float[] interleaved = new float[m * exits * numClasses];
            for (int s = 0; s < exits; s++) {
                float[] p = Batches.oneExitProbabilities(o[s], numClasses);
                for (int j = 0; j < m; j++) {
                    System.arraycopy(p, j * numClasses, interleaved, (j * exits + s) * numClasses, numClasses);
                }
            }
            probs.add(interleaved, 0, interleaved.length);
            int[] y = Batches.labels(batch);
            labelled &= y != null;
            labels.add(y);
            n += m;
        }
        if (n == 0) {
            throw new IllegalArgumentException("the data set is empty");
        }
        ExitOutputs.Builder b = ExitOutputs.builder(n, exits, numClasses).probsOwned(probs.toArray()).flops(costs);
        if (labelled) {
            int[] y = new int[n];
            int p = 0;
            for (int[] c : labels) {
                System.arraycopy(c, 0, y, p, c.length);
                p += c.length;
            }
            b.labels(y);
        }
        return b.build();
    }

    @Override
    public EarlyExitPredictor predictor() {
        return new EarlyExitPredictor(this);
    }

    /** The named input arrays of a batch (a fresh, mutable map). */
    Map<String, INDArray> inputs(MultiDataSet batch) {
        return new HashMap<>(Batches.inputs(batch, featureNames, maskNames));
    }

    /** Runs stage s on the arrays it reads, taken from {@code state}. */
    ExitStage.Output run(int s, Map<String, INDArray> state, boolean wantState, boolean wantExit) {
        ExitStage st = stages.get(s);
        Map<String, INDArray> in = new HashMap<>();
        for (String name : st.inputs()) {
            in.put(name, Objects.requireNonNull(state.get(name), name));
        }
        ExitStage.Output o = st.run(in, wantState, wantExit);
        if (wantExit && o.probabilities() == null) {
            throw new IllegalStateException("stage " + (s + 1) + " gave no exit probabilities");
        }
        if (wantState) {
            for (String p : st.produces()) {
                if (!o.state().containsKey(p)) {
                    throw new IllegalStateException("stage " + (s + 1) + " did not produce '" + p + "'");
                }
            }
        }
        return o;
    }

    /** The names samples going on from stage s to s + 1 carry. */
    Set<String> carry(int s) {
        return carry.get(s);
    }
}
