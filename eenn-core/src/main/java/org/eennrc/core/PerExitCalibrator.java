package org.eennrc.core;

import java.util.Locale;
import java.util.Objects;
import org.eennrc.risk.Checks;
import org.eennrc.risk.perexit.Configurations;
import org.eennrc.risk.perexit.ExitTables;
import org.eennrc.risk.perexit.ParetoTesting;
import org.eennrc.risk.perexit.PerExitResult;

/**
 * Per-exit thresholds certified by Pareto Testing (method.md §7) for per-exit outputs: builds the per-exit tables
 * once (one loss per (sample, exit) from the {@link Risk}, one confidence per (sample, exit) from the
 * {@link ConfidenceMeasure}, the cumulative FLOPs per exit or the exit index as the cost), lets a
 * {@link ParetoTesting} controller choose from a {@link Configurations} family, and returns the {@link ExitPolicy}
 * with its certificate. The counterpart of {@link Calibrator} for a shared λ; {@code eenn calibrate --per-exit} is
 * this class. Table-only outputs (dense prediction, method.md §6: a {@code TableRisk} and the {@code provided}
 * confidence) work the same way; tasks that hold their N × L tables elsewhere call
 * {@link #calibrate(ExitTables, ParetoTesting, Configurations, double, double)} directly.
 */
public final class PerExitCalibrator {
    private PerExitCalibrator() {}

    /**
     * The per-exit tables of {@code outputs}: losses from {@link Risk#perExitLosses}, the measure's checked
     * confidences, and the cost of leaving at exit l: the cumulative {@code flops[l]} when the outputs carry them,
     * else l + 1 (as {@link Efficiency}).
     *
     * @throws IllegalArgumentException if the risk needs labels the outputs lack, or a confidence is outside [0, 1]
     */
    public static ExitTables tables(ExitOutputs outputs, Risk risk, ConfidenceMeasure measure) {
        Objects.requireNonNull(outputs, "outputs");
        Risk bound = LossMatrixBuilder.bound(risk, outputs); // a table risk takes the bounds its table declares
        bound.requireLabels(outputs);
        double[] losses = bound.perExitLosses(outputs);
        double[] conf = LossMatrixBuilder.checkedConfidences(measure, outputs);
        return ExitTables.of(outputs.numExits(), losses, conf, costPerExit(outputs), bound.lowerBound(),
                bound.upperBound());
    }

    /** The cumulative FLOPs of each exit when the outputs carry them, else 1, 2, …, L. */
    public static double[] costPerExit(ExitOutputs outputs) {
        double[] f = outputs.flops();
        if (f != null) return f.clone();
        double[] c = new double[outputs.numExits()];
        for (int e = 0; e < c.length; e++) c[e] = e + 1;
        return c;
    }

    /**
     * What one per-exit calibration gives.
     *
     * @param result the controller's decision (path, p-values, split sizes)
     * @param expectedSaving 1 − mean cost / full-model cost on all calibration samples at the chosen thresholds
     * @param meanExitLayer the mean 1-based exit there
     */
    public record Result(PerExitResult result, double expectedSaving, double meanExitLayer) {}

    /** Pareto Testing on given tables (any task with per-exit losses and confidences). */
    public static Result calibrate(ExitTables tables, ParetoTesting controller, Configurations configurations,
            double epsilon, double delta) {
        Checks.epsilon(epsilon);
        PerExitResult r = controller.prepare(tables, configurations, delta).select(epsilon);
        double[] th = r.thresholds();
        double cost = 0;
        double layer = 0;
        for (int i = 0; i < tables.numSamples(); i++) {
            int e = tables.exit(i, th, 0);
            cost += tables.cost(e);
            layer += e + 1;
        }
        int n = tables.numSamples();
        return new Result(r, 1 - cost / n / tables.fullCost(), layer / n);
    }

    /**
     * Calibrates per-exit thresholds on {@code calibration} and returns the policy, whose certificate records the
     * family, the split, and what the policy was certified on ({@link ExitPolicy.CertifiedOn#of}).
     */
    public static ExitPolicy fit(ExitOutputs calibration, Risk risk, ConfidenceMeasure measure,
            ParetoTesting controller, Configurations configurations, double epsilon, double delta) {
        return policy(calibration, risk, measure, controller, configurations,
                calibrate(tables(calibration, risk, measure), controller, configurations, epsilon, delta));
    }

    /** The policy of a {@link #calibrate} result on {@code calibration}. */
    public static ExitPolicy policy(ExitOutputs calibration, Risk risk, ConfidenceMeasure measure,
            ParetoTesting controller, Configurations configurations, Result res) {
        PerExitResult r = res.result();
        String family = String.format(Locale.ROOT, "%s; D_opt fraction %s, split seed %d",
                configurations.description(), controller.split(), controller.seed());
        ExitPolicy.Certificate c = new ExitPolicy.Certificate(risk.name(), r.controller(), r.epsilon(), r.delta(),
                r.n(), r.guarantee(), r.feasible(), Math.max(0, r.configuration()), r.calibrationRisk(),
                r.transform().describe(), res.expectedSaving(), null, ExitPolicy.CertifiedOn.of(calibration), family);
        return ExitPolicy.perExit(measure.name(), r.thresholds(), calibration.numExits(), c);
    }
}
