package org.eennrc.models.internal;

import java.util.NoSuchElementException;

import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Internal: a resettable {@link MultiDataSetIterator} over samples 0..n−1 in consecutive batches, each made on demand
 * by a function of the sample range, so that a data set held in Java arrays becomes DL4J's standard input without
 * materialising every batch.
 */
public final class BatchIterator implements MultiDataSetIterator {
    /** Makes the batch of samples {@code from} (inclusive) to {@code to} (exclusive). */
    @FunctionalInterface
    public interface Maker {
        MultiDataSet batch(int from, int to);
    }

    private final int n;
    private final int batchSize;
    private final Maker maker;
    private MultiDataSetPreProcessor pre;
    private int next;

    public BatchIterator(int n, int batchSize, Maker maker) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.n = n;
        this.batchSize = batchSize;
        this.maker = maker;
    }

    @Override
    public MultiDataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int to = Math.min(n, next + num);
        MultiDataSet m = maker.batch(next, to);
        next = to;
        if (pre != null) {
            pre.preProcess(m);
        }
        return m;
    }

    @Override
    public MultiDataSet next() {
        return next(batchSize);
    }

    @Override
    public boolean hasNext() {
        return next < n;
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        this.pre = preProcessor;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return pre;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        next = 0;
    }
}
