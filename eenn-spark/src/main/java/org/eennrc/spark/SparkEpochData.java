package org.eennrc.spark;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.eennrc.models.train.EpochData;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * The training data of each epoch as an RDD of minibatches (each element one batch of the worker batch size; the
 * last may be smaller), the distributed counterpart of {@link EpochData}: asked for per epoch so that a per-epoch
 * seeded shuffle makes a resumed run see the same batches as an uninterrupted one.
 */
@FunctionalInterface
public interface SparkEpochData {

    /** The batches of epoch {@code epoch} (0-based). */
    JavaRDD<MultiDataSet> epoch(int epoch);

    /** Samples per epoch, or −1 if unknown. */
    default int samplesPerEpoch() {
        return -1;
    }

    /** The same RDD every epoch (e.g. batches saved once and loaded from distributed storage). */
    static SparkEpochData of(JavaRDD<MultiDataSet> batches) {
        return e -> batches;
    }

    /**
     * Batches made on the driver by a single-JVM {@link EpochData} (e.g. {@code ImageSet.shuffled}), shipped to the
     * cluster each epoch with {@code parallelize}: the same batches, in the same order, as single-JVM training. Fine
     * for data that fit the driver; larger data sets should be saved as batches to distributed storage and loaded
     * with {@link #of}.
     *
     * @param slices partitions per epoch (usually the number of workers)
     */
    static SparkEpochData parallelize(JavaSparkContext sc, EpochData data, int slices) {
        return new SparkEpochData() {
            @Override
            public JavaRDD<MultiDataSet> epoch(int epoch) {
                MultiDataSetIterator it = data.epoch(epoch);
                List<MultiDataSet> batches = new ArrayList<>();
                while (it.hasNext()) {
                    MultiDataSet b = it.next();
                    // detached copies: the iterator may reuse its arrays
                    batches.add(new org.nd4j.linalg.dataset.MultiDataSet(dup(b.getFeatures()), dup(b.getLabels()),
                            dup(b.getFeaturesMaskArrays()), dup(b.getLabelsMaskArrays())));
                }
                return sc.parallelize(batches, slices);
            }

            @Override
            public int samplesPerEpoch() {
                return data.samplesPerEpoch();
            }
        };
    }

    private static org.nd4j.linalg.api.ndarray.INDArray[] dup(org.nd4j.linalg.api.ndarray.INDArray[] a) {
        if (a == null) {
            return null;
        }
        org.nd4j.linalg.api.ndarray.INDArray[] out = new org.nd4j.linalg.api.ndarray.INDArray[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] == null ? null : a[i].dup();
        }
        return out;
    }
}
