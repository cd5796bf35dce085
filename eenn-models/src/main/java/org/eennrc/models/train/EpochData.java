package org.eennrc.models.train;

import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * The training data of each epoch. A resumed run is exact only if epoch e's batches do not depend on what came
 * before, so the data are asked for per epoch: a seeded shuffle by epoch gives the same batches whether the run was
 * interrupted or not (as {@code ImageSet.shuffled} does). A plain iterator ({@link #of}) is reset
 * every epoch.
 */
@FunctionalInterface
public interface EpochData {

    /** The batches of epoch {@code epoch} (0-based). */
    MultiDataSetIterator epoch(int epoch);

    /** Samples per epoch, or −1 if unknown (progress then shows counts instead of percentages). */
    default int samplesPerEpoch() {
        return -1;
    }

    /** The same iterator every epoch, reset at its start (when it supports resetting). */
    static EpochData of(MultiDataSetIterator data) {
        return e -> {
            if (data.resetSupported()) {
                data.reset();
            }
            return data;
        };
    }

    /** The same DL4J {@code DataSetIterator} every epoch (features and labels as one input, one label array). */
    static EpochData of(org.nd4j.linalg.dataset.api.iterator.DataSetIterator data) {
        return of(new org.nd4j.linalg.dataset.adapter.MultiDataSetIteratorAdapter(data));
    }

    /** A per-epoch source with a known size. */
    static EpochData sized(int samplesPerEpoch, EpochData data) {
        return new EpochData() {
            @Override
            public MultiDataSetIterator epoch(int epoch) {
                return data.epoch(epoch);
            }

            @Override
            public int samplesPerEpoch() {
                return samplesPerEpoch;
            }
        };
    }
}
