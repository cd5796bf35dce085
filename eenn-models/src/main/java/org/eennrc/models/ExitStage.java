package org.eennrc.models;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One stage of a staged early-exit network: the layers between exit l − 1 and exit l, plus exit l's head. This is the
 * seam for a network given "per block" (a SameDiff block, a hand-written function, a sub-graph): a stage reads named
 * arrays (the model's inputs and masks, or arrays that earlier stages produced) and gives its exit's class
 * probabilities and the arrays that later stages need. Every array has the batch on its first axis, so a
 * predictor can drop the rows of the samples that left (method.md §1, real early exit).
 *
 * <p>Rows must not influence each other: the output for a sample may not depend on the other samples of the batch
 * (true of inference-mode layers, batch norm included). Real early exit relies on it to give exactly the simulated
 * exit's decisions.
 */
public interface ExitStage {

    /** Names of the arrays this stage reads. */
    List<String> inputs();

    /** Names of the arrays this stage produces for later stages (empty for the last stage). */
    List<String> produces();

    /**
     * Runs the stage on one batch.
     *
     * @param inputs the arrays named by {@link #inputs()}, batch first
     * @param wantState whether the arrays of {@link #produces()} are needed (false for the last stage, or when no
     *     sample stays)
     * @param wantExit whether the exit's probabilities are needed (false when the full-model baseline skips the head)
     * @return the produced arrays (when asked) and the exit's probabilities [batch, C] (when asked)
     */
    Output run(Map<String, INDArray> inputs, boolean wantState, boolean wantExit);

    /** Multiply-adds per sample of the part of the stage that later stages build on (its trunk). */
    double trunkCost();

    /** Multiply-adds per sample of the stage's exit head. */
    double headCost();

    /** What a stage gives: produced arrays by name, and the exit's probabilities (null when not asked). */
    record Output(Map<String, INDArray> state, INDArray probabilities) {
        public Output {
            Objects.requireNonNull(state, "state");
        }
    }
}
