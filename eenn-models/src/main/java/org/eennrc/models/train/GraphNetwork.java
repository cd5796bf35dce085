package org.eennrc.models.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.eennrc.models.ComputationGraphModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A DL4J {@link ComputationGraph} with one output layer per exit, trained jointly: DL4J sums the exits' losses (each
 * output layer's loss function, with its weights). A batch with one label array (and at most one label mask) trains
 * every exit on it; a batch may also give one label array per output.
 */
public final class GraphNetwork implements TrainableNetwork {
    private ComputationGraph graph;
    private final List<String> exits;
    private final InputType[] inputTypes;

    /**
     * @param graph an initialised graph (its updater and schedule are part of its configuration)
     * @param inputTypes one per network input, as given to {@code setInputTypes} (for the cost count of
     *     {@link #model()})
     */
    public GraphNetwork(ComputationGraph graph, InputType... inputTypes) {
        this(graph, graph.getConfiguration().getNetworkOutputs(), inputTypes);
    }

    /** As above, with the exits named (exit 1 first), when the graph has other outputs too. */
    public GraphNetwork(ComputationGraph graph, List<String> exits, InputType... inputTypes) {
        this.graph = graph;
        this.exits = List.copyOf(exits);
        this.inputTypes = inputTypes.clone();
        ComputationGraphModel.of(graph, exits, inputTypes); // validates exits and input types now
    }

    /** The graph being trained (replaced by {@link #restore}). */
    public ComputationGraph graph() {
        return graph;
    }

    @Override
    public double fit(MultiDataSet batch, boolean measureLoss) {
        int outputs = graph.getNumOutputArrays();
        INDArray[] labels = batch.getLabels();
        if (labels != null && labels.length == 1 && outputs > 1) {
            INDArray[] all = new INDArray[outputs];
            Arrays.fill(all, labels[0]);
            INDArray[] masks = batch.getLabelsMaskArrays();
            INDArray[] allMasks = null;
            if (masks != null && masks.length == 1 && masks[0] != null) { // e.g. per-pixel ignore masks: every exit
                allMasks = new INDArray[outputs];
                Arrays.fill(allMasks, masks[0]);
            }
            batch = new org.nd4j.linalg.dataset.MultiDataSet(batch.getFeatures(), all, batch.getFeaturesMaskArrays(),
                    allMasks);
        } else if (labels == null || labels.length != outputs) {
            throw new IllegalArgumentException("a training batch needs one label array, or one per output (" + outputs
                    + "), got " + (labels == null ? 0 : labels.length));
        }
        graph.fit(batch);
        return measureLoss ? graph.score() : Double.NaN;
    }

    /** DL4J's {@code score()} after {@code fit} is the batch's loss before the update. */
    @Override
    public boolean lossIsFree() {
        return true;
    }

    @Override
    public int iteration() {
        return graph.getIterationCount();
    }

    @Override
    public void setEpochs(int epochs) {
        graph.getConfiguration().setEpochCount(epochs);
    }

    @Override
    public long numParams() {
        return graph.numParams();
    }

    @Override
    public ComputationGraphModel model() {
        return ComputationGraphModel.of(graph, exits, inputTypes);
    }

    @Override
    public String fileExtension() {
        return "zip";
    }

    @Override
    public void save(OutputStream out, boolean withUpdater) throws IOException {
        ModelSerializer.writeModel(graph, out, withUpdater);
    }

    @Override
    public void restore(Path file, int iteration, int epochs) throws IOException {
        graph = ModelSerializer.restoreComputationGraph(file.toFile(), true); // its counters are saved with it
    }
}
