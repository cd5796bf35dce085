package org.eennrc.spark.internal;

import java.util.Iterator;

import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/** Internal: a partition's batches, one pass, as DL4J's iterator (unlike DL4J's own adapter, it does not re-batch). */
final class IteratorBatches implements MultiDataSetIterator {
    private static final long serialVersionUID = 1L;
    private final transient Iterator<MultiDataSet> batches;
    private MultiDataSetPreProcessor pre;

    IteratorBatches(Iterator<MultiDataSet> batches) {
        this.batches = batches;
    }

    @Override
    public boolean hasNext() {
        return batches.hasNext();
    }

    @Override
    public MultiDataSet next() {
        MultiDataSet b = batches.next();
        if (pre != null) {
            pre.preProcess(b);
        }
        return b;
    }

    @Override
    public MultiDataSet next(int num) {
        throw new UnsupportedOperationException("batches come as they are stored");
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor p) {
        pre = p;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return pre;
    }

    @Override
    public boolean resetSupported() {
        return false;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("one pass over a partition");
    }
}
