package org.eennrc.spark.internal;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.eennrc.models.Dl4jRuntime;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Internal: runs {@link Dl4jRuntime#init()} in each executor JVM before its first step, so that ND4J allows the oneDNN
 * layer helpers there as on the driver (without it convolutions run 7-9x slower; docs/dl4j-notes.md, trap 1).
 */
public final class RuntimeHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        Dl4jRuntime.init();
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        Dl4jRuntime.init();
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }
}
