package org.eennrc.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.core.ExitOutputs;
import org.eennrc.models.internal.BatchNormFolding;
import org.eennrc.models.internal.Batches;
import org.eennrc.models.internal.GraphSplit;
import org.eennrc.models.internal.MacCount;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * <p>For deployment, {@link #withFoldedBatchNorm()} gives the same model in its inference form, with the batch norms
 * folded into the convolutions before them: fewer passes over the activations, the same predictions up to float
 * rounding. Calibrate on that model's outputs when you deploy its predictor.
 *
 * <p>Feature masks are not supported (a batch with masks is refused): give a masked network as stages
 * ({@link StagedModel} with mask names). Not thread-safe, as DL4J graphs are not.
 */
public final class ComputationGraphModel implements EarlyExitModel {
    private final ComputationGraph graph;
    private final List<String> exits;
    private final InputType[] inputTypes;
    private final int[] exitOutputIndex;
    /** The split of the graph as given: the costs, and the stages when batch norm is not folded. */
    private final GraphSplit split;
    /** The graph as stages without graphs: costs only, counted once. */
    private final StagedModel costs;
    private final int numClasses;
    /** Null, or the folding of batch norm that outputs and predictors run. */
    private final BatchNormFolding folding;
    /** The split of the folded graph (same stage inputs and produced arrays as {@link #split}); null without folding. */
    private final GraphSplit foldedSplit;

    private ComputationGraphModel(ComputationGraph graph, List<String> exits, boolean fold, InputType... inputTypes) {
        this.graph = graph;
        this.exits = List.copyOf(exits);
        this.inputTypes = inputTypes == null ? null : inputTypes.clone();
        List<String> outputs = graph.getConfiguration().getNetworkOutputs();
        this.exitOutputIndex = new int[exits.size()];
        for (int i = 0; i < exits.size(); i++) {
            exitOutputIndex[i] = outputs.indexOf(exits.get(i));
            if (exitOutputIndex[i] < 0) {
                throw new IllegalArgumentException("exit '" + exits.get(i) + "' is not an output of the graph " + outputs);
            }
        }
        this.split = GraphSplit.of(graph.getConfiguration(), exits, inputTypes);
        this.numClasses = classes(graph, exits, inputTypes);
        List<ExitStage> costOnly = new ArrayList<>();
        for (GraphSplit.Stage s : split.stages()) {
            costOnly.add(new GraphStage(s, null));
        }
        this.costs = staged(costOnly); // the costs are those of the graph as given, folded or not
        if (fold) {
            this.folding = BatchNormFolding.of(graph.getConfiguration());
            this.foldedSplit = GraphSplit.of(folding.configuration(), exits, inputTypes);
            for (int s = 0; s < exits.size(); s++) {
                GraphSplit.Stage a = split.stages().get(s);
                GraphSplit.Stage b = foldedSplit.stages().get(s);
                if (!a.inputs().equals(b.inputs()) || !a.produces().equals(b.produces())) {
                    throw new IllegalStateException("folding batch norm changed stage " + (s + 1) + ": it reads "
                            + b.inputs() + " and produces " + b.produces() + " instead of " + a.inputs() + " and "
                            + a.produces());
                }
            }
        } else {
            this.folding = null;
            this.foldedSplit = null;
        }
    }

    /** The graph with every network output as an exit, in the order of {@code setOutputs}. */
    public static ComputationGraphModel of(ComputationGraph graph, InputType... inputTypes) {
        return new ComputationGraphModel(graph, graph.getConfiguration().getNetworkOutputs(), false, inputTypes);
    }

    /**
     * The graph with the given outputs as exits, exit 1 first.
     *
     * @param exits names of output layers, in order of depth; the last is the full model
     * @param inputTypes one per network input, as given to {@code setInputTypes} (they fix the activation shapes the
     *     cost is counted from)
     */
    public static ComputationGraphModel of(ComputationGraph graph, List<String> exits, InputType... inputTypes) {
        return new ComputationGraphModel(graph, exits, false, inputTypes);
    }

    /**
     * The same model in its inference form, with batch norm folded into the convolutions: where a batch-norm layer
     * follows a plain 2-D convolution that feeds nothing else, the convolution takes over the batch norm's
     * per-channel scale and shift ({@code W' = a·W}, {@code bias' = a·bias + b}, with {@code y = a·x + b} the batch
     * norm at inference, read off the trained layer), and the activation layer after it when that is the batch
     * norm's only consumer. The folded graph does less work per image (no separate batch-norm and activation passes
     * over the feature maps; 1.1–1.5× the images per second at batch 128 on the built-in ResNet, docs/models.md) and gives the
     * same probabilities up to float rounding (within 1e-4 on the tests' networks). Batch norms elsewhere stay as
     * they are ({@link #unfoldedBatchNorms()}).
     *
     * <p>Both {@link #outputs} and {@link #predictor()} of the returned model run folded graphs, made from the
     * parameters of {@link #graph()} at the time of the call (outputs: every call; predictor: once, as a snapshot),
     * so outputs exported for calibration and real early exit see the same numbers, and real early exit equals the
     * simulated exit on those outputs exactly. Calibrate the policy you deploy on the folded model's outputs: on
     * samples whose confidence lies within rounding of λ, decisions may differ from those of the unfolded model.
     *
     * <p>Costs are unchanged: {@link #cumulativeCost()} and {@link #fullModelCost()} are those of the graph as
     * given, where batch norm at inference counts one multiply-add per element (its scale and shift) whether it runs
     * as a layer or folded, so that the costs, and the savings risk control certifies in them (method.md §5), do not
     * depend on how the model is deployed; folding makes the wall time smaller, not the count. The
     * stage split ({@link #stageVertices()}) is that of the graph as given too; in the folded graph a fused
     * convolution carries the name of the last vertex it absorbed, so every stage reads and produces the same
     * named arrays.
     *
     * @return a new model over the same live graph ({@code this} if it already folds)
     */
    public ComputationGraphModel withFoldedBatchNorm() {
        return folding != null ? this : new ComputationGraphModel(graph, exits, true, inputTypes);
    }

    /** Whether {@link #outputs} and {@link #predictor()} run the graph with batch norm folded. */
    public boolean foldsBatchNorm() {
        return folding != null;
    }

    /**
     * The batch-norm layers that outputs and predictors run as separate layers: every one when batch norm is not
     * folded; with {@link #withFoldedBatchNorm()}, those that could not be folded (not after a plain 2-D NCHW
     * convolution with the identity activation that feeds only them).
     */
    public List<String> unfoldedBatchNorms() {
        if (folding != null) {
            return folding.unfolded();
        }
        List<String> all = new ArrayList<>();
        for (Map.Entry<String, GraphVertex> e : graph.getConfiguration().getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization) {
                all.add(e.getKey());
            }
        }
        return all;
    }

    private static int classes(ComputationGraph graph, List<String> exits, InputType... inputTypes) {
        int c = -1;
        Map<String, InputType> types = null;
        for (String e : exits) {
            GraphVertex v = graph.getConfiguration().getVertices().get(e);
            if (!(v instanceof LayerVertex lv)) {
                throw new IllegalArgumentException("exit '" + e + "' must be an output layer with nOut = classes");
            }
            int n = lv.getLayerConf().getLayer() instanceof FeedForwardLayer f ? (int) f.getNOut() : 0;
            if (n <= 0) { // per-pixel exits (a CnnLossLayer, or an upsampling of probabilities) give [B, C, H, W]
                if (types == null) {
                    types = MacCount.activationTypes(graph.getConfiguration(), inputTypes);
                }
                if (types.get(e) instanceof InputType.InputTypeConvolutional t) {
                    n = (int) t.getChannels();
                } else {
                    throw new IllegalArgumentException("exit '" + e + "' must be an output layer with nOut = classes,"
                            + " or give per-pixel maps [batch, classes, height, width]");
                }
            }
            if (c >= 0 && n != c) {
                throw new IllegalArgumentException("exits disagree on the number of classes: " + c + " vs " + n + " ('" + e + "')");
            }
            c = n;
        }
        return c;
    }

    /**
     * The graph as given, batch norm not folded (live: training it changes {@link #outputs}, not predictors made
     * before).
     */
    public ComputationGraph graph() {
        return graph;
    }

    /**
     * The input types the model was made with (one per network input; null if none were given): what rebuilding the
     * same model elsewhere, e.g. on a Spark executor, needs besides the graph and the exit names.
     */
    public InputType[] inputTypes() {
        return inputTypes == null ? null : inputTypes.clone();
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
        return costs.cumulativeCost();
    }

    @Override
    public double fullModelCost() {
        return costs.fullModelCost();
    }

    /**
     * Every exit on every sample, from one pass of the whole graph per batch (of the folded graph, made from the
     * current parameters, with {@link #withFoldedBatchNorm()}).
     */
    @Override
    public ExitOutputs outputs(MultiDataSetIterator data) {
        ComputationGraph run = folding == null ? graph : folding.apply(graph);
        List<String> inputs = graph.getConfiguration().getNetworkInputs();
        return StagedModel.collectOutputs(data, exits.size(), numClasses, cumulativeCost(), batch -> {
            Batches.inputs(batch, inputs, null); // checks the arity, refuses masks
            INDArray[] o = run.output(false, batch.getFeatures());
            INDArray[] probs = new INDArray[exitOutputIndex.length];
            for (int s = 0; s < probs.length; s++) {
                probs[s] = o[exitOutputIndex[s]];
            }
            return probs;
        });
    }

    /**
     * Every exit's raw output on one batch, exit 1 first, from one pass of the whole graph (folded with
     * {@link #withFoldedBatchNorm()}): for exits whose output is not a [batch, C] probability row, e.g. a per-pixel
     * segmentation output [batch, C, H, W], which {@link #outputs} cannot hold for a whole data set. Callers stream
     * the batches and keep what they need of each (method.md §1).
     */
    public INDArray[] exitOutputs(INDArray... features) {
        ComputationGraph run = folding == null ? graph : folding.apply(graph);
        INDArray[] o = run.output(false, features);
        INDArray[] out = new INDArray[exitOutputIndex.length];
        for (int s = 0; s < out.length; s++) {
            out[s] = o[exitOutputIndex[s]];
        }
        return out;
    }

    /** {@inheritDoc} With {@link #withFoldedBatchNorm()}, its stage graphs are folded. */
    @Override
    public EarlyExitPredictor predictor() {
        List<ExitStage> stages = new ArrayList<>();
        ComputationGraph source = folding == null ? graph : folding.apply(graph);
        GraphSplit runs = folding == null ? split : foldedSplit;
        for (int s = 0; s < exits.size(); s++) {
            GraphSplit.Stage r = runs.stages().get(s);
            GraphSplit.Stage costs = split.stages().get(s);
            GraphSplit.Stage st = new GraphSplit.Stage(r.vertices(), r.inputs(), r.produces(), r.exit(),
                    costs.trunkCost(), costs.headCost());
            stages.add(new GraphStage(st, runs.stageGraph(s, source)));
        }
        return staged(stages).predictor();
    }

    /** The same model as stages over the graph's inputs. */
    private StagedModel staged(List<ExitStage> stages) {
        return StagedModel.of(graph.getConfiguration().getNetworkInputs(), null, stages, numClasses);
    }

    /** The DL4J graph that runs a stage of a predictor made by a graph model (for tests). */
    static ComputationGraph stageGraph(ExitStage stage) {
        if (!(stage instanceof GraphStage g)) {
            throw new IllegalArgumentException("not a stage of a ComputationGraphModel: " + stage);
        }
        return g.graph();
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
