package org.eennrc.spark.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.eennrc.core.ExitOutputs;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Dl4jRuntime;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Internal: on an executor, rebuilds the model from the broadcast graph and runs every exit over one partition's
 * batches with the same {@code ComputationGraphModel.outputs} as a single-JVM export.
 */
public final class ExportPartition implements Function2<Integer, Iterator<MultiDataSet>, Iterator<ExportPartition.Part>> {
    private static final long serialVersionUID = 1L;

    /**
     * One partition's outputs: probabilities (samples × exits × classes, row-major) and labels (or null). A class, not
     * a record: Spark's Kryo cannot serialize records.
     */
    public static final class Part implements Serializable {
        private static final long serialVersionUID = 1L;
        private int partition;
        private int samples;
        private float[] probs;
        private int[] labels;

        private Part() { // for Kryo
        }

        Part(int partition, int samples, float[] probs, int[] labels) {
            this.partition = partition;
            this.samples = samples;
            this.probs = probs;
            this.labels = labels;
        }

        public int partition() {
            return partition;
        }

        public int samples() {
            return samples;
        }

        public float[] probs() {
            return probs;
        }

        public int[] labels() {
            return labels;
        }
    }

    private final Broadcast<byte[]> graph;
    private final List<String> exits;
    private final InputType[] inputTypes;
    private final boolean fold;

    public ExportPartition(Broadcast<byte[]> graph, List<String> exits, InputType[] inputTypes, boolean fold) {
        this.graph = graph;
        this.exits = List.copyOf(exits);
        this.inputTypes = inputTypes;
        this.fold = fold;
    }

    @Override
    public Iterator<Part> call(Integer partition, Iterator<MultiDataSet> batches) {
        if (!batches.hasNext()) {
            return List.<Part>of().iterator();
        }
        Dl4jRuntime.init();
        ComputationGraph g;
        try {
            g = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(graph.value()), false);
        } catch (IOException e) {
            throw new UncheckedIOException("restoring the broadcast model", e);
        }
        ComputationGraphModel model = ComputationGraphModel.of(g, exits, inputTypes);
        if (fold) {
            model = model.withFoldedBatchNorm();
        }
        ExitOutputs o = model.outputs(new IteratorBatches(batches));
        int n = o.numSamples();
        int l = o.numExits();
        int c = o.numClasses();
        float[] probs = new float[n * l * c];
        float[] row = new float[c];
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < l; e++) {
                o.copyProbs(i, e, row);
                System.arraycopy(row, 0, probs, (i * l + e) * c, c);
            }
        }
        int[] labels = null;
        if (o.hasLabels()) {
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = o.label(i);
            }
        }
        return List.of(new Part(partition, n, probs, labels)).iterator();
    }
}
