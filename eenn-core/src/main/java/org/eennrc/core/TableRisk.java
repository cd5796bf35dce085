package org.eennrc.core;

import java.util.Objects;

/**
 * A risk whose per-exit losses are not computed from probabilities but read from a {@link LossTable} the outputs
 * carry under the same name (method.md §6, "per-exit loss tables"). This is how dense tasks are calibrated: the
 * losses are computed once per (image, exit) where the pixels are (a streaming builder, or PyTorch) and only the
 * (N, L) table travels. Everything downstream of {@link Risk#perExitLosses} (the {@link LossMatrixBuilder},
 * {@link Calibrator}, the evaluation protocol, the monotonicity diagnostic) works on it unchanged, by name.
 *
 * <p>Two kinds:
 * <ul>
 *   <li><b>declared</b> ({@link #declared}): the name and bounds are fixed in code, e.g. the dense risks of
 *       {@link org.eennrc.core.dense.DenseRisk}, bound by name in {@link CoreModule}. The outputs' table must declare
 *       the same bounds, so a certificate's bound B is the one the code documents.</li>
 *   <li><b>from the outputs</b> ({@link #fromOutputs}): the name {@code table:<name>} in any registry lookup; the bounds
 *       are the ones the outputs declare for {@code loss_<name>}. For a task of your own (depth, detection) with no
 *       Java code at all. {@link #lowerBound()} and {@link #upperBound()} are then known only once bound to outputs
 *       ({@link #boundTo}), which {@link LossMatrixBuilder#build} does.</li>
 * </ul>
 *
 * <p>{@link #needsLabels()} is false: whatever labels the loss used were used when the table was made; the table
 * itself is all calibration needs.
 */
public final class TableRisk implements Risk {
    /** The prefix that makes a registry lookup a table-backed risk with the outputs' bounds. */
    public static final String PREFIX = "table:";

    private final String name;
    private final String table;
    private final double lower;
    private final double upper;
    private final boolean distribution;
    private final boolean bounded;

    private TableRisk(String name, String table, double lower, double upper, boolean distribution, boolean bounded) {
        this.name = name;
        this.table = table;
        this.lower = lower;
        this.upper = upper;
        this.distribution = distribution;
        this.bounded = bounded;
    }

    /**
     * A risk named {@code table} reading the outputs' table of that name, with bounds fixed here.
     *
     * @param aboutDistribution whether the loss looks at the whole per-pixel distribution (Brier) or only at
     *     predictions
     */
    public static TableRisk declared(String table, double lower, double upper, boolean aboutDistribution) {
        LossTable.checkName(table);
        if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(lower <= 0) || !(upper > 0)) {
            throw new IllegalArgumentException("risk '" + table + "' declares bounds [" + lower + ", " + upper
                    + "]; they must be finite with lower <= 0 < upper");
        }
        return new TableRisk(table, table, lower, upper, aboutDistribution, true);
    }

    /** The risk {@code table:<table>}, whose bounds are those the outputs declare for the table. */
    public static TableRisk fromOutputs(String table) {
        LossTable.checkName(table);
        return new TableRisk(PREFIX + table, table, Double.NaN, Double.NaN, false, false);
    }

    /** The name of the loss table this risk reads. */
    public String tableName() {
        return table;
    }

    /** Whether the bounds are known (declared, or bound to outputs). */
    public boolean hasBounds() {
        return bounded;
    }

    /**
     * This risk with the bounds of the outputs' table: itself when declared (after checking that the outputs declare
     * the same bounds), a bounded copy otherwise.
     *
     * @throws IllegalArgumentException if the outputs have no such table or declare other bounds
     */
    public TableRisk boundTo(ExitOutputs outputs) {
        LossTable t = tableOf(outputs);
        if (bounded) {
            if (t.lowerBound() != lower || t.upperBound() != upper) {
                throw new IllegalArgumentException("risk '" + name + "' has bounds [" + lower + ", " + upper
                        + "] but the outputs' loss table '" + table + "' declares [" + t.lowerBound() + ", "
                        + t.upperBound() + "]; a table under a known risk name must declare that risk's bounds"
                        + " (or use the name '" + PREFIX + table + "' to take the table's own bounds)");
            }
            return this;
        }
        return new TableRisk(name, table, t.lowerBound(), t.upperBound(), distribution, true);
    }

    private LossTable tableOf(ExitOutputs outputs) {
        Objects.requireNonNull(outputs, "outputs");
        LossTable t = outputs.lossTable(table);
        if (t == null) {
            throw new IllegalArgumentException("risk '" + name + "' reads the per-exit loss table '" + table
                    + "' (npz key 'loss_" + table + "'), but the outputs carry " + (outputs.lossTableNames().isEmpty()
                    ? "no loss tables" : "only the tables " + outputs.lossTableNames())
                    + "; tabulate it (e.g. with org.eennrc.core.dense.DenseOutputsBuilder) or pick one of those");
        }
        return t;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double lowerBound() {
        requireBounds();
        return lower;
    }

    @Override
    public double upperBound() {
        requireBounds();
        return upper;
    }

    private void requireBounds() {
        if (!bounded) {
            throw new IllegalStateException("risk '" + name + "' takes its bounds from the outputs' loss table;"
                    + " call boundTo(outputs) first (LossMatrixBuilder.build does)");
        }
    }

    @Override
    public boolean needsLabels() {
        return false;
    }

    @Override
    public boolean aboutDistribution() {
        return distribution;
    }

    @Override
    public double loss(ExitOutputs outputs, int sample, int exit) {
        return tableOf(outputs).loss(sample, exit);
    }

    /** The outputs' table (already validated and clamped to its bounds), after checking the bounds agree. */
    @Override
    public double[] perExitLosses(ExitOutputs outputs) {
        boundTo(outputs);
        return tableOf(outputs).values();
    }

    @Override
    public String toString() {
        return name;
    }
}
