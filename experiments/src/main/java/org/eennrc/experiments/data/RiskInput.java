package org.eennrc.experiments.data;

import java.util.List;
import java.util.Map;
import org.eennrc.core.ExitTable;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.perexit.ExitTables;
import org.eennrc.risk.protocol.EfficiencyTable;

/**
 * Everything the protocol needs for one risk: the loss matrix ℓ[k][i], the cost of every threshold, the λ grid
 * (null when unknown) and the marginal-monotonicity diagnostic (method.md §3) for the report.
 *
 * @param efficiencyLabel what the cost measures, e.g. "mean exit layer" or "MACs"
 * @param diagnostics name → value (numbers, arrays, strings), written into results.json
 * @param warnings human-readable monotonicity warnings (empty when none)
 * @param exits the exits behind the loss matrix, for the permutation baselines (method.md §6); null when the data has
 *     no exits (cached scores)
 * @param perExit the per-exit tables for per-exit controllers (method.md §7); null for cached scores and when the
 *     config asks for no per-exit controller
 */
public record RiskInput(String risk, LossMatrix losses, EfficiencyTable efficiency, String efficiencyLabel,
                        double[] lambdas, Map<String, Object> diagnostics, List<String> warnings, Exits exits,
                        ExitTables perExit) {

    /** Without exits. */
    public RiskInput(String risk, LossMatrix losses, EfficiencyTable efficiency, String efficiencyLabel,
                     double[] lambdas, Map<String, Object> diagnostics, List<String> warnings) {
        this(risk, losses, efficiency, efficiencyLabel, lambdas, diagnostics, warnings, null, null);
    }

    /** Without per-exit tables. */
    public RiskInput(String risk, LossMatrix losses, EfficiencyTable efficiency, String efficiencyLabel,
                     double[] lambdas, Map<String, Object> diagnostics, List<String> warnings, Exits exits) {
        this(risk, losses, efficiency, efficiencyLabel, lambdas, diagnostics, warnings, exits, null);
    }

    /**
     * The exit of every sample at every threshold, the loss of every (sample, exit) and the cost of each exit, in
     * the units of the efficiency table.
     */
    public record Exits(ExitTable table, double[] perExitLoss, double[] costPerExit) {}
}
