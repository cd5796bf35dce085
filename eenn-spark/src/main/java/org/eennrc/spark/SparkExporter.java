package org.eennrc.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.util.ModelSerializer;
import org.eennrc.core.ExitOutputs;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.spark.internal.ExportPartition;
import org.eennrc.spark.internal.ExportPartition.Part;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Distributed export: every exit's outputs of a {@link ComputationGraphModel} on an RDD of batches, computed by the
 * executors partition by partition and gathered on the driver into one {@link ExitOutputs}, in the RDD's order,
 * with the costs per exit counted from the graph. Written with {@code Exporter.write} it is the same interchange
 * {@code .npz} as a single-JVM export of the same samples (to float rounding: a batch's outputs do not depend on
 * the other samples in it, but the native kernels may round differently at another batch size), so calibration
 * (which stays on the driver; it is small) cannot tell them apart.
 *
 * <p>The driver holds the gathered outputs (N × L × C floats, e.g. 1.28 M × 4 × 1000 × 4 bytes = 20 GB for ImageNet):
 * for a set that large, calibrate on a sample of it, as risk control needs only a few thousand samples.
 */
public final class SparkExporter {
    private SparkExporter() {
    }

    /**
     * The outputs of every exit on {@code data} (one batch per element, features in the order of the model's inputs,
     * labels optional). Folding batch norm ({@link ComputationGraphModel#withFoldedBatchNorm()}) is kept.
     */
    public static ExitOutputs outputs(JavaSparkContext sc, ComputationGraphModel model, JavaRDD<MultiDataSet> data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(model.graph(), bytes, false);
        } catch (IOException e) {
            throw new UncheckedIOException("serialising the model for the executors", e);
        }
        Broadcast<byte[]> graph = sc.broadcast(bytes.toByteArray());
        try {
            List<Part> parts = new ArrayList<>(data.mapPartitionsWithIndex(new ExportPartition(graph,
                    model.exitNames(), model.inputTypes(), model.foldsBatchNorm()), true).collect());
            parts.sort(Comparator.comparingInt(Part::partition));
            return gather(parts, model);
        } finally {
            graph.destroy();
        }
    }

    private static ExitOutputs gather(List<Part> parts, ComputationGraphModel model) {
        int exits = model.numExits();
        int classes = model.numClasses();
        long total = 0;
        boolean labelled = true;
        for (Part p : parts) {
            total += p.samples();
            labelled &= p.labels() != null;
        }
        if (total == 0) {
            throw new IllegalArgumentException("the data set is empty");
        }
        if (total * exits * classes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the outputs of " + total + " samples x " + exits + " exits x " + classes
                    + " classes exceed one Java array; export a sample of the data (risk control needs a few thousand)");
        }
        int n = (int) total;
        float[] probs = new float[n * exits * classes];
        int[] labels = labelled ? new int[n] : null;
        int at = 0;
        for (Part p : parts) {
            System.arraycopy(p.probs(), 0, probs, at * exits * classes, p.probs().length);
            if (labelled) {
                System.arraycopy(p.labels(), 0, labels, at, p.samples());
            }
            at += p.samples();
        }
        ExitOutputs.Builder b = ExitOutputs.builder(n, exits, classes).probsOwned(probs).flops(model.cumulativeCost());
        if (labelled) {
            b.labels(labels);
        }
        return b.build();
    }
}
