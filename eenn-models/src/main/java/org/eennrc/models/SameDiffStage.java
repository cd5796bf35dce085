package org.eennrc.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.eennrc.models.internal.SameDiffMacs;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A SameDiff graph as one {@link ExitStage}: the per-block form of a network written in SameDiff (a transformer block
 * and its exit head, say). The graph's placeholders are fed from named arrays, one of its variables is the exit's
 * probabilities, and some of its variables are what later stages read. {@code sd.output} evaluates only the
 * ancestors of what is asked for, so a head that is not needed is not computed.
 *
 * <p>The cost is counted from the graph itself: it is run once on an example of one sample, and the multiply-adds of
 * its matrix products are summed (the dense layers, attention products and pooling products of a transformer; other
 * ops are not counted, see {@link SameDiffMacs}). The trunk is what the {@code trunk} variable needs; the head is the
 * rest of what the probabilities need.
 */
public final class SameDiffStage implements ExitStage {
    private final SameDiff sd;
    private final Map<String, String> placeholders;
    private final Map<String, String> produced;
    private final String probabilities;
    private final double trunkCost;
    private final double headCost;

    private SameDiffStage(SameDiff sd, Map<String, String> placeholders, Map<String, String> produced,
                          String probabilities, double trunkCost, double headCost) {
        this.sd = sd;
        this.placeholders = placeholders;
        this.produced = produced;
        this.probabilities = probabilities;
        this.trunkCost = trunkCost;
        this.headCost = headCost;
    }

    /**
     * A stage from a SameDiff graph.
     *
     * @param sd the graph (inference form)
     * @param placeholders placeholder name → name of the array that feeds it (a model input or mask, or an array an
     *     earlier stage produced)
     * @param produced variable name → name under which later stages read it (empty for the last stage)
     * @param probabilities the variable with the exit's class probabilities [batch, C]
     * @param trunk the variable that marks the end of the trunk (what later stages build on), for the cost split;
     *     usually the produced hidden state, also on the last stage
     * @param example one sample's placeholder values (batch 1), by placeholder name, to count the cost
     */
    public static SameDiffStage of(SameDiff sd, Map<String, String> placeholders, Map<String, String> produced,
                                   String probabilities, String trunk, Map<String, INDArray> example) {
        Objects.requireNonNull(sd, "sd");
        for (String p : placeholders.keySet()) {
            if (!sd.hasVariable(p)) {
                throw new IllegalArgumentException("the graph has no placeholder '" + p + "'");
            }
        }
        for (String v : produced.keySet()) {
            if (!sd.hasVariable(v)) {
                throw new IllegalArgumentException("the graph has no variable '" + v + "'");
            }
        }
        if (!sd.hasVariable(probabilities)) {
            throw new IllegalArgumentException("the graph has no variable '" + probabilities + "'");
        }
        double total = SameDiffMacs.count(sd, example, probabilities);
        double trunkMacs = trunk == null ? 0 : SameDiffMacs.count(sd, example, trunk);
        return new SameDiffStage(sd, new LinkedHashMap<>(placeholders), new LinkedHashMap<>(produced), probabilities,
                trunkMacs, total - trunkMacs);
    }

    @Override
    public List<String> inputs() {
        return List.copyOf(placeholders.values());
    }

    @Override
    public List<String> produces() {
        return List.copyOf(produced.values());
    }

    @Override
    public Output run(Map<String, INDArray> inputs, boolean wantState, boolean wantExit) {
        Map<String, INDArray> feed = new HashMap<>();
        placeholders.forEach((ph, name) -> feed.put(ph, inputs.get(name)));
        List<String> want = new ArrayList<>();
        if (wantState) {
            want.addAll(produced.keySet());
        }
        if (wantExit) {
            want.add(probabilities);
        }
        Map<String, INDArray> o = sd.output(feed, want);
        Map<String, INDArray> state = new HashMap<>();
        if (wantState) {
            produced.forEach((v, name) -> state.put(name, o.get(v)));
        }
        return new Output(state, wantExit ? o.get(probabilities) : null);
    }

    @Override
    public double trunkCost() {
        return trunkCost;
    }

    @Override
    public double headCost() {
        return headCost;
    }
}
