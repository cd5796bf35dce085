package org.eennrc.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.core.ExitOutputs;
import org.eennrc.models.internal.Batches;
import org.eennrc.models.internal.GraphSplit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Any DL4J {@link ComputationGraph} whose exits are named output layers, as an {@link EarlyExitModel}.
 *
 * <p>Nothing about the network is written by hand: the stage split of real early exit is derived from the graph
 * (a vertex belongs to the first exit that needs it), and the cost per exit is counted from the layer configurations
 * and the activation shapes DL4J derives from the input types (see {@link #uncountedLayers()} for layers it cannot
 * count). Exported outputs come from one pass of the whole graph; the {@link #predictor()} runs one small graph per
 * stage, with the trained parameters copied in by layer name, and gives the same decisions as the simulated exit.
 *
 * <pre>{@code
 * ComputationGraphModel model = ComputationGraphModel.of(graph, InputType.convolutional(28, 28, 1));
 * ExitOutputs outputs = model.outputs(calibrationData);             // every exit, for calibration
 * ExitResult r = model.predictor().predict(testData, policy);       // real early exit
 * }</pre>
 *
 * <p>Feature masks are not supported (a batch with masks is refused): give a masked network as stages
 * ({@link StagedModel} with mask names). Not thread-safe, as DL4J graphs are not.
 */
public final class ComputationGraphModel implements EarlyExitModel {
    private final ComputationGraph graph;
    private final List<String> exits;
    private final int[] exitOutputIndex;
    private final GraphSplit split;
    private final int numClasses;

    private ComputationGraphModel(ComputationGraph graph, List<String> exits, InputType... inputTypes) {
        this.graph = graph;
        this.exits = List.copyOf(exits);
        List<String> outputs = graph.getConfiguration().getNetworkOutputs();
        this.exitOutputIndex = new int[exits.size()];
        for (int i = 0; i < exits.size(); i++) {
            exitOutputIndex[i] = outputs.indexOf(exits.get(i));
            if (exitOutputIndex[i] < 0) {
                throw new IllegalArgumentException("exit '" + exits.get(i) + "' is not an output of the graph " + outputs);
            }
        }
        this.split = GraphSplit.of(graph.getConfiguration(), exits, inputTypes);
        this.numClasses = classes(graph, exits);
    }

    /** The graph with every network output as an exit, in the order of {@code setOutputs}. */
    public static ComputationGraphModel of(ComputationGraph graph, InputType... inputTypes) {
        return new ComputationGraphModel(graph, graph.getConfiguration().getNetworkOutputs(), inputTypes);
    }

    /**
     * The graph with the given outputs as exits, exit 1 first.
     *
     * @param exits names of output layers, in order of depth; the last is the full model
     * @param inputTypes one per network input, as given to {@code setInputTypes} (they fix the activation shapes the
     *     cost is counted from)
     */
    public static ComputationGraphModel of(ComputationGraph graph, List<String> exits, InputType... inputTypes) {
        return new ComputationGraphModel(graph, exits, inputTypes);
    }

    private static int classes(ComputationGraph graph, List<String> exits) {
        int c = -1;
        for (String e : exits) {
            GraphVertex v = graph.getConfiguration().getVertices().get(e);
            if (!(v instanceof LayerVertex lv) || !(lv.getLayerConf().getLayer() instanceof FeedForwardLayer f)) {
                throw new IllegalArgumentException("exit '" + e + "' must be an output layer with nOut = classes");
            }
            int n = (int) f.getNOut();
            if (c >= 0 && n != c) {
                throw new IllegalArgumentException("exits disagree on the number of classes: " + c + " vs " + n + " ('" + e + "')");
            }
            c = n;
        }
        return c;
    }

    /** The graph (live: training it changes {@link #outputs}, not predictors made before). */
    public ComputationGraph graph() {
        return graph;
    }

    /** The exit layers, exit 1 first. */
    public List<String> exitNames() {
        return exits;
    }

    /** The vertices of each stage, derived from the graph (stage l ends with exit l's head). */
    public List<List<String>> stageVertices() {
        List<List<String>> out = new ArrayList<>();
        for (GraphSplit.Stage s : split.stages()) {
            out.add(s.vertices());
        }
        return out;
    }

    /** Layers with parameters whose cost could not be counted (their type is unknown); empty for common networks. */
    public List<String> uncountedLayers() {
        return split.uncounted();
    }

    @Override
    public int numExits() {
        return exits.size();
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public double[] cumulativeCost() {
        double[] c = new double[exits.size()];
        double acc = 0;
        for (int s = 0; s < c.length; s++) {
            acc += split.stages().get(s).trunkCost() + split.stages().get(s).headCost();
            c[s] = acc;
        }
        return c;
    }

    @Override
    public double fullModelCost() {
        double acc = 0;
        for (GraphSplit.Stage s : split.stages()) {
            acc += s.trunkCost();
        }
        return acc + split.stages().get(exits.size() - 1).headCost();
    }

    /** Every exit on every sample, from one pass of the whole graph per batch. */
    @Override
    public ExitOutputs outputs(MultiDataSetIterator data) {
        Batches.reset(data);
        int l = exits.size();
        Batches.Floats probs = new Batches.Floats();
        List<int[]> labels = new ArrayList<>();
        boolean labelled = true;
        int n = 0;
        while (data.hasNext()) {
            MultiDataSet batch = data.next();
            Batches.inputs(batch, graph.getConfiguration().getNetworkInputs(), null); // checks the arity, refuses masks
            int m = Batches.size(batch);
            INDArray[] o = graph.output(false, batch.getFeatures());
            float[] interleaved = new float[m * l * numClasses];
            for (int s = 0; s < l; s++) {
                float[] p = Batches.oneExitProbabilities(o[exitOutputIndex[s]], numClasses);
                for (int j = 0; j < m; j++) {
                    System.arraycopy(p, j * numClasses, interleaved, (j * l + s) * numClasses, numClasses);
                }
            }
            probs.add(interleaved, 0, interleaved.length);
            int[] y = Batches.labels(batch);
            labelled &= y != null;
            labels.add(y);
            n += m;
        }
        return staged(List.of()).collect(n, probs.toArray(), labelled ? labels : null);
    }

    @Override
    public EarlyExitPredictor predictor() {
        List<ExitStage> stages = new ArrayList<>();
        for (int s = 0; s < exits.size(); s++) {
            stages.add(new GraphStage(split.stages().get(s), split.stageGraph(s, graph)));
        }
        return staged(stages).predictor();
    }

    /** The same model as stages (with placeholder stages when only the costs are needed). */
    private StagedModel staged(List<ExitStage> stages) {
        if (stages.isEmpty()) {
            List<ExitStage> costOnly = new ArrayList<>();
            for (GraphSplit.Stage s : split.stages()) {
                costOnly.add(new GraphStage(s, null));
            }
            stages = costOnly;
        }
        return StagedModel.of(graph.getConfiguration().getNetworkInputs(), null, stages, numClasses);
    }

    /** One stage as a small graph with the stage's layers. */
    private record GraphStage(GraphSplit.Stage stage, ComputationGraph graph) implements ExitStage {
        @Override
        public List<String> inputs() {
            return stage.inputs();
        }

        @Override
        public List<String> produces() {
            return stage.produces();
        }

        @Override
        public Output run(Map<String, INDArray> inputs, boolean wantState, boolean wantExit) {
            INDArray[] in = new INDArray[stage.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = inputs.get(stage.inputs().get(i));
            }
            List<String> want = new ArrayList<>();
            if (wantState) {
                want.addAll(stage.produces());
            }
            if (wantExit) {
                want.add(stage.exit());
            }
            INDArray[] o = want.size() == stage.produces().size() + 1 ? graph.output(false, in)
                    : graph.output(want, false, in, null);
            Map<String, INDArray> state = new HashMap<>();
            for (int i = 0; wantState && i < stage.produces().size(); i++) {
                state.put(want.get(i), o[i]);
            }
            return new Output(state, wantExit ? o[want.size() - 1] : null);
        }

        @Override
        public double trunkCost() {
            return stage.trunkCost();
        }

        @Override
        public double headCost() {
            return stage.headCost();
        }
    }
}
