package org.eennrc.models;

import org.eennrc.core.ExitOutputs;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Any network with L exits, seen the way risk control needs it (method.md §1, §5): how many exits it has, what
 * answering at each exit costs, the outputs of every exit on a data set (to build loss matrices and calibrate), and a
 * predictor that runs real early exit under a calibrated {@link org.eennrc.core.ExitPolicy}.
 *
 * <p>Implementations: {@link ComputationGraphModel} for any DL4J {@code ComputationGraph} whose exits are named
 * output layers (the stage split and the costs are derived from the graph), and {@link StagedModel} for networks given
 * stage by stage ({@link ExitStage}), such as SameDiff blocks ({@link SameDiffStage}). The built-in ResNet and
 * transformer are such models.
 *
 * <p>Data come as DL4J's standard {@link MultiDataSetIterator}: features (and their masks) in the order of the model's
 * inputs, labels (one-hot, first label array) optional.
 */
public interface EarlyExitModel {

    /** L, the number of exits; exit L is the full model. */
    int numExits();

    /** C, the number of classes of every exit. */
    int numClasses();

    /**
     * Multiply-adds per sample to answer at exit l (index l − 1) with progressive early exit: the stages up to l and
     * every exit head up to l, since a sample that leaves at exit l had the earlier heads evaluated too.
     * Non-decreasing; counted from the network itself.
     */
    double[] cumulativeCost();

    /** Multiply-adds per sample of the plain full model (every stage, only the last head): the baseline of savings. */
    double fullModelCost();

    /**
     * Every exit's class probabilities on every sample of {@code data}, with the labels when the data carry them and
     * {@link #cumulativeCost()} as the cost per exit: what calibration and the evaluation protocol need. Resets the
     * iterator first when it supports it.
     */
    ExitOutputs outputs(MultiDataSetIterator data);

    /** {@link #outputs(MultiDataSetIterator)} for DL4J's single-input {@code DataSetIterator}. */
    default ExitOutputs outputs(org.nd4j.linalg.dataset.api.iterator.DataSetIterator data) {
        return outputs(new org.nd4j.linalg.dataset.adapter.MultiDataSetIteratorAdapter(data));
    }

    /**
     * A predictor for real early exit: later stages are computed only for the samples that did not leave. It is a
     * snapshot: parameters are copied when it is made, so make it after training.
     */
    EarlyExitPredictor predictor();
}
