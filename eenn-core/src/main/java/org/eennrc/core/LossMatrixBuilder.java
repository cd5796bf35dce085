package org.eennrc.core;

import java.util.Objects;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.LossMatrix;

/**
 * Builds the risk-control {@link LossMatrix} ℓ[k][i] (method.md §4) of any {@link Risk} for per-exit outputs, a
 * confidence measure and a threshold grid, in O(N (L + K)) per risk (method.md §1, "fast evaluation"):
 *
 * <ol>
 *   <li>the confidences c_l(x_i) are computed once (O(N L), or O(N L C) for entropy);</li>
 *   <li>the {@link ExitTable} l̂(x_i; λ_k) is built once from per-sample breakpoints;</li>
 *   <li>per risk, the loss of every (sample, exit) is computed once and gathered through the table.</li>
 * </ol>
 *
 * Steps 1–2 are shared by every risk built from the same builder, so building all five risks costs one table.
 * Immutable after construction; safe to share between threads.
 */
public final class LossMatrixBuilder {
    private final ExitOutputs outputs;
    private final ConfidenceMeasure measure;
    private final double[] confidences;
    private final ExitTable table;

    /** With the standard grid 1.00, 0.99, …, 0.00. */
    public LossMatrixBuilder(ExitOutputs outputs, ConfidenceMeasure measure) {
        this(outputs, measure, LambdaGrid.standard());
    }

    public LossMatrixBuilder(ExitOutputs outputs, ConfidenceMeasure measure, LambdaGrid grid) {
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.measure = Objects.requireNonNull(measure, "confidence measure");
        Objects.requireNonNull(grid, "grid");
        this.confidences = checkedConfidences(measure, outputs);
        this.table = ExitTable.build(confidences, outputs.numExits(), grid);
    }

    static double[] checkedConfidences(ConfidenceMeasure measure, ExitOutputs outputs) {
        double[] c;
        try {
            c = measure.confidences(outputs);
        } catch (IllegalStateException e) {
            if (outputs.hasProbabilities()) throw e;
            throw new IllegalArgumentException("confidence measure '" + measure.name() + "' cannot be used on these"
                    + " outputs: " + e.getMessage(), e);
        }
        int l = outputs.numExits();
        if (c.length != outputs.numSamples() * l) {
            throw new IllegalStateException("confidence measure '" + measure.name() + "' returned " + c.length
                    + " values, expected N * L = " + (outputs.numSamples() * l));
        }
        for (int r = 0; r < c.length; r++) {
            if (!(c[r] >= 0 && c[r] <= 1)) {
                throw new IllegalStateException("confidence measure '" + measure.name() + "' gave " + c[r]
                        + " for sample " + (r / l) + " at exit " + (r % l) + "; confidences must be in [0, 1]");
            }
        }
        return c;
    }

    public ExitOutputs outputs() {
        return outputs;
    }

    public ConfidenceMeasure measure() {
        return measure;
    }

    public LambdaGrid grid() {
        return table.grid();
    }

    /** The exit of every sample at every grid index. */
    public ExitTable exitTable() {
        return table;
    }

    /** A copy of the confidences c_l(x_n), row-major (n, l). */
    public double[] confidences() {
        return confidences.clone();
    }

    /**
     * The loss matrix of {@code risk}: row k holds the loss of every sample at λ_k, with the risk's declared
     * bounds.
     *
     * @throws IllegalArgumentException if the risk needs labels and the outputs have none
     */
    public LossMatrix build(Risk risk) {
        Risk r = bound(risk, outputs);
        return LossMatrix.of(lossRows(r), r.lowerBound(), r.upperBound());
    }

    /**
     * The risk with its bounds for these outputs: a {@link TableRisk} takes (or checks) the bounds the outputs'
     * table declares; any other risk is returned as it is.
     */
    public static Risk bound(Risk risk, ExitOutputs outputs) {
        Objects.requireNonNull(risk, "risk");
        return risk instanceof TableRisk t ? t.boundTo(outputs) : risk;
    }

    /** The raw rows ℓ[k][i] of {@link #build}. */
    public double[][] lossRows(Risk risk) {
        Objects.requireNonNull(risk, "risk");
        risk.requireLabels(outputs);
        double[] perExit = risk.perExitLosses(outputs);
        return table.gather(perExit);
    }

    /** Efficiency (exit layer, compute, saving) at every λ of this builder's grid. */
    public Efficiency efficiency() {
        return Efficiency.of(table, outputs);
    }
}
