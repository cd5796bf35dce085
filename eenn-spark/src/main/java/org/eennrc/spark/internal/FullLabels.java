package org.eennrc.spark.internal;

import java.util.Arrays;

import org.apache.spark.api.java.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Internal: gives a batch with one label array that label to every output, as {@code GraphNetwork.fit} does in one
 * JVM (the exits train jointly on the same targets).
 */
public final class FullLabels implements Function<MultiDataSet, MultiDataSet> {
    private static final long serialVersionUID = 1L;
    private final int outputs;

    public FullLabels(int outputs) {
        this.outputs = outputs;
    }

    @Override
    public MultiDataSet call(MultiDataSet batch) {
        INDArray[] labels = batch.getLabels();
        if (labels != null && labels.length == 1 && outputs > 1) {
            INDArray[] all = new INDArray[outputs];
            Arrays.fill(all, labels[0]);
            return new org.nd4j.linalg.dataset.MultiDataSet(batch.getFeatures(), all, batch.getFeaturesMaskArrays(),
                    null);
        }
        if (labels == null || labels.length != outputs) {
            throw new IllegalArgumentException("a training batch needs one label array, or one per output (" + outputs
                    + "), got " + (labels == null ? 0 : labels.length));
        }
        return batch;
    }
}
