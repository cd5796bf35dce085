package org.eennrc.experiments.data;

import com.google.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.Efficiency;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.LossMatrixBuilder;
import org.eennrc.core.MonotonicityDiagnostic;
import org.eennrc.core.Risk;
import org.eennrc.core.Registry;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.protocol.EfficiencyTable;

/**
 * Per-exit outputs (from any {@link OutputsSource}) → one loss matrix per risk with the configured confidence
 * measure and λ grid, the per-sample cost of every threshold, and the monotonicity diagnostic.
 */
public final class OutputsData implements ExperimentData {
    private final ExperimentConfig config;
    private final OutputsSource source;
    private final ConfidenceMeasure measure;
    private final Registry registry;

    @Inject
    public OutputsData(ExperimentConfig config, OutputsSource source, ConfidenceMeasure measure, Registry registry) {
        this.config = config;
        this.source = source;
        this.measure = measure;
        this.registry = registry;
    }

    @Override
    public List<RiskInput> load(List<String> risks, Log log) throws Exception {
        ExitOutputs o = source.outputs(log);
        log.info(String.format(Locale.ROOT, "outputs: %d samples, %d exits, %s%s%s", o.numSamples(), o.numExits(),
                o.hasProbabilities() ? o.numClasses() + " classes" : "loss tables " + o.lossTableNames(),
                o.hasLabels() ? ", labelled" : ", unlabelled", o.hasFlops() ? ", with flops" : ""));
        LambdaGrid grid = LambdaGrid.uniform(config.lambdaGrid.size);
        LossMatrixBuilder builder = new LossMatrixBuilder(o, measure, grid);
        Efficiency eff = builder.efficiency();
        EfficiencyTable table;
        String label;
        double[] costPerExit = eff.costPerExit();
        if ("exit-layer".equals(config.protocol.efficiency)) {
            for (int e = 0; e < costPerExit.length; e++) costPerExit[e] = e + 1;
            double[][] m = new double[grid.size()][o.numSamples()];
            for (int k = 0; k < m.length; k++) for (int i = 0; i < m[k].length; i++) m[k][i] = eff.exit(k, i) + 1;
            table = EfficiencyTable.perSample(m);
            label = "mean exit layer";
        } else {
            table = EfficiencyTable.perSample(eff.computeMatrix());
            label = eff.fromFlops() ? "mean compute (MACs)" : "mean compute (exits)";
        }
        List<RiskInput> out = new ArrayList<>();
        for (String name : risks) {
            Risk risk = registry.risk(name);
            if (risk.needsLabels() && !o.hasLabels()) {
                throw new IllegalArgumentException("risk '" + name + "' needs labels but the outputs have none; "
                        + "use a consistency risk (prediction-consistency, brier-consistency, hellinger-consistency)");
            }
            MonotonicityDiagnostic d = MonotonicityDiagnostic.of(builder, risk);
            Map<String, Object> diag = new LinkedHashMap<>();
            diag.put("per_exit_mean_loss", d.perExitMeanLoss());
            if (d.perExitAccuracy() != null) diag.put("per_exit_accuracy", d.perExitAccuracy());
            diag.put("risk_curve", d.riskCurve());
            diag.put("max_curve_violation", d.maxCurveViolation());
            diag.put("mean_exit_layer", eff.meanExitLayers());
            diag.put("relative_saving", eff.savings());
            Risk bound = LossMatrixBuilder.bound(risk, o);
            RiskInput.Exits exits = new RiskInput.Exits(builder.exitTable(), bound.perExitLosses(o), costPerExit);
            org.eennrc.risk.perexit.ExitTables perExit = config.perExit == null ? null // same costs as the table above
                    : org.eennrc.risk.perexit.ExitTables.of(o.numExits(), exits.perExitLoss(), builder.confidences(),
                            costPerExit, bound.lowerBound(), bound.upperBound());
            out.add(new RiskInput(risk.name(), builder.build(risk), table, label, grid.values(), diag, d.warnings(),
                    exits, perExit));
        }
        return out;
    }

    @Override
    public List<ReportSection> reportSections() {
        return source.reportSections();
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> m = new LinkedHashMap<>(source.provenance());
        m.put("confidence", measure.name());
        m.put("lambda_grid_size", config.lambdaGrid.size);
        return m;
    }
}
