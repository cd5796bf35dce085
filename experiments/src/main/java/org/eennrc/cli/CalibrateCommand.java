package org.eennrc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eennrc.core.Calibrator;
import org.eennrc.core.PerExitCalibrator;
import org.eennrc.core.Registry;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.perexit.Configurations;
import org.eennrc.risk.perexit.ExitTables;
import org.eennrc.risk.perexit.ParetoTesting;
import org.eennrc.risk.perexit.PerExitResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eenn calibrate}: one calibration set, one certified threshold per (controller, ε), printed as JSON lines.
 * With {@code --outputs} each (controller, ε) is one {@link Calibrator} call, the same as from Java.
 */
@Command(name = "calibrate",
        header = "Certify a threshold on one calibration set (JSON lines).",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Pick a threshold on one calibration set: for each controller and each epsilon, the largest grid index "
                    + "(earliest exits) that the controller certifies. Prints one JSON object per (controller, "
                    + "epsilon) on its own line.",
            "",
            "Keys: controller, epsilon, delta, bound, n, index, lambda (null without --lambdas), feasible, status "
                    + "(\"certified\" or \"infeasible: full model\"), guarantee, guarantee_statement, "
                    + "statistic_name, transform, calibration_risk, statistic (one value per threshold; null where "
                    + "not computed).",
            ""},
        footer = {"", "Examples:",
            "  eenn calibrate --losses losses.npy --controller crc,ucb-wsr,ltt-fst \\",
            "      --epsilon 0.05,0.1 --lambdas lambdas.npy",
            "  eenn calibrate --outputs outputs.npz --risk prediction-consistency --controller crc \\",
            "      --epsilon 0.05 --save-policy policy.json",
            "With --outputs every sample is in the calibration set and each line also has risk, confidence,",
            "expected_saving, mean_exit_layer and saving_from (flops or exit_index).",
            "",
            "Per-exit thresholds (method.md §7), certified by Pareto Testing:",
            "  eenn calibrate --outputs outputs.npz --risk prediction-gap --controller pareto-ltt --per-exit \\",
            "      --grid 0:1:0.05 --epsilon 0.05 --save-policy policy.json",
            "Each line then has thresholds (one per exit but the last), configuration (its index in the family),",
            "num_configurations, configurations, n_opt, n_test, path (the tested configurations), p_values,",
            "rejected, test_risk instead of index, lambda and statistic."})
public final class CalibrateCommand implements Callable<Integer> {

    @Mixin
    LossOptions input;

    @Option(names = {"--controller", "--controllers"}, paramLabel = "NAME", required = true, split = ",",
            description = "Controller name(s), comma separated (see 'eenn controllers').")
    List<String> controllers;

    @Option(names = {"--epsilon", "--epsilons"}, paramLabel = "E", required = true,
            description = "Risk tolerance(s) in (0, 1): a comma list (0.05,0.1) or a grid start:stop:step.")
    String epsilons;

    @Option(names = "--delta", paramLabel = "D", defaultValue = "0.1",
            description = "Error level of the high-probability controllers, in (0, 1). Default: ${DEFAULT-VALUE}.")
    double delta;

    @Option(names = "--lambdas", paramLabel = "FILE",
            description = "The threshold grid, one value per loss row (.npy 1-D or .csv), strictly decreasing. "
                    + "Without it the output has lambda = null.")
    Path lambdasFile;

    @Option(names = "--save-policy", paramLabel = "FILE",
            description = "With --outputs, one controller and one epsilon: save the calibrated early-exit policy "
                    + "(confidence measure, threshold, certificate with the SHA-256 of the outputs and of the model "
                    + "they came from, and a checksum of its content) as JSON, for 'eenn infer --policy'.")
    Path savePolicy;

    @Mixin
    PerExitOptions perExit;

    @Option(names = "--force", description = "Replace an existing --save-policy file (only an eenn exit policy).")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        double[] eps = Inputs.epsilons(epsilons, "--epsilon");
        double d = Inputs.delta(delta);
        ControllerRegistry registry = Registry.current().controllers();
        List<String> perExitNames = PerExitOptions.perExitNames(registry, controllers);
        perExit.checkUsage(perExitNames);
        if (perExit.perExit) {
            List<String> shared = PerExitOptions.sharedNames(registry, controllers);
            if (!shared.isEmpty()) {
                throw new UsageException("with --per-exit every controller must be a per-exit one; "
                        + String.join(", ", shared) + " share one threshold (calibrate them without --per-exit)");
            }
            if (input.source.outputs == null) {
                throw new UsageException("--per-exit needs --outputs (per-exit losses and confidences)");
            }
            if (savePolicy != null && (perExitNames.size() != 1 || eps.length != 1)) {
                throw new CliException("--save-policy needs exactly one controller and one epsilon, got "
                        + perExitNames.size() + " and " + eps.length);
            }
            if (savePolicy != null) {
                Outputs.checkFile(savePolicy, force, "--save-policy", Outputs::isPolicy, "eenn exit policy");
            }
            calibratePerExit(perExit.controllers(registry, perExitNames), eps, d);
            return EennCli.EXIT_OK;
        }
        List<RiskController> cs = Inputs.controllers(registry, controllers);
        if (savePolicy != null && (cs.size() != 1 || eps.length != 1)) {
            throw new CliException("--save-policy needs exactly one controller and one epsilon, got "
                    + cs.size() + " and " + eps.length);
        }
        if (savePolicy != null) Outputs.checkFile(savePolicy, force, "--save-policy", Outputs::isPolicy, "eenn exit policy");
        if (input.source.outputs != null) {
            calibrateOutputs(cs, eps, d);
        } else {
            calibrateLosses(cs, eps, d);
        }
        return EennCli.EXIT_OK;
    }

    /** {@code --outputs}: one {@link Calibrator} call per (controller, ε). */
    private void calibrateOutputs(List<RiskController> cs, double[] eps, double d) throws IOException {
        if (lambdasFile != null) {
            throw new CliException("--lambdas does not apply with --outputs (the grid is 1.00, 0.99, ..., 0.00)");
        }
        LossOptions.OutputsInput in = input.loadOutputsInput();
        PrintWriter out = spec.commandLine().getOut();
        boolean warned = false;
        for (RiskController c : cs) {
            for (double e : eps) {
                Calibrator calibrator = Calibrator.builder().risk(in.risk()).confidence(in.measure()).controller(c)
                        .epsilon(e).delta(d).build();
                Calibrator.Result r;
                try {
                    r = calibrator.calibrate(in.outputs());
                } catch (IllegalArgumentException ex) {
                    throw new CliException("--outputs " + in.file() + ": " + ex.getMessage(), ex);
                }
                if (!warned) warn(r.warnings());
                warned = true;
                ObjectNode o = toJson(r.calibration(), r.bound(), calibrator.grid());
                o.put("risk", in.risk().name());
                o.put("confidence", in.measure().name());
                Json.put(o, "expected_saving", r.expectedSaving());
                Json.put(o, "mean_exit_layer", r.meanExitLayer());
                o.put("saving_from", r.savingFromFlops() ? "flops" : "exit_index");
                out.println(Json.line(o));
                if (savePolicy != null) r.policy().save(savePolicy);
            }
        }
        out.flush();
    }

    /** {@code --per-exit}: Pareto Testing over the configuration family, one line per (controller, ε). */
    private void calibratePerExit(List<ParetoTesting> cs, double[] eps, double d) throws IOException {
        if (lambdasFile != null) throw new CliException("--lambdas does not apply with --per-exit");
        LossOptions.OutputsInput in = input.loadOutputsInput();
        ExitTables tables;
        try {
            tables = PerExitCalibrator.tables(in.outputs(), in.risk(), in.measure());
        } catch (IllegalArgumentException ex) {
            throw new CliException("--outputs " + in.file() + ": " + ex.getMessage(), ex);
        }
        Configurations family = perExit.family(tables.numExits());
        PrintWriter out = spec.commandLine().getOut();
        boolean flops = in.outputs().hasFlops();
        for (ParetoTesting c : cs) {
            for (double e : eps) {
                PerExitCalibrator.Result res = PerExitCalibrator.calibrate(tables, c, family, e, d);
                PerExitResult r = res.result();
                ObjectNode o = Json.object();
                o.put("controller", r.controller());
                Json.put(o, "epsilon", r.epsilon());
                Json.put(o, "delta", r.delta());
                Json.put(o, "bound", tables.upperBound());
                o.put("n", r.n());
                o.put("n_opt", r.nOpt());
                o.put("n_test", r.nTest());
                o.put("configuration", r.configuration());
                o.set("thresholds", Json.array(r.thresholds()));
                o.put("feasible", r.feasible());
                o.put("status", r.status());
                o.put("guarantee", r.guarantee().name().toLowerCase(java.util.Locale.ROOT));
                o.put("guarantee_statement", r.guarantee().description());
                o.put("transform", r.transform().describe());
                Json.put(o, "calibration_risk", r.calibrationRisk());
                Json.put(o, "test_risk", r.testRisk());
                o.put("num_configurations", family.size());
                o.put("configurations", family.description());
                o.put("split_fraction", c.split());
                o.put("per_exit_seed", c.seed());
                com.fasterxml.jackson.databind.node.ArrayNode path = Json.MAPPER.createArrayNode();
                for (int k : r.path()) path.add(k);
                o.set("path", path);
                o.set("p_values", Json.array(r.pValues()));
                o.put("rejected", r.rejected());
                o.put("risk", in.risk().name());
                o.put("confidence", in.measure().name());
                Json.put(o, "expected_saving", res.expectedSaving());
                Json.put(o, "mean_exit_layer", res.meanExitLayer());
                o.put("saving_from", flops ? "flops" : "exit_index");
                out.println(Json.line(o));
                if (savePolicy != null) {
                    PerExitCalibrator.policy(in.outputs(), in.risk(), in.measure(), c, family, res).save(savePolicy);
                }
            }
        }
        out.flush();
    }

    /** {@code --losses} or {@code --scores}: each controller prepares once and answers every ε. */
    private void calibrateLosses(List<RiskController> cs, double[] eps, double d) throws IOException {
        if (savePolicy != null) throw new CliException("--save-policy needs --outputs");
        LossOptions.Loaded loaded = input.loadAll();
        LossMatrix losses = loaded.losses();
        LambdaGrid grid = lambdasFile == null ? null : Inputs.lambdas(lambdasFile, losses.numLambdas());
        List<String> warnings = new java.util.ArrayList<>(input.checkOrientation(loaded, grid != null));
        warnings.addAll(LossOptions.monotonicityWarnings(loaded));
        warn(warnings);
        PrintWriter out = spec.commandLine().getOut();
        for (RiskController c : cs) {
            RiskController.Calibration prepared = c.prepare(losses, d);
            for (double e : eps) out.println(Json.line(toJson(prepared.select(e), losses.upperBound(), grid)));
        }
        out.flush();
    }

    private void warn(List<String> warnings) {
        PrintWriter err = spec.commandLine().getErr();
        for (String w : warnings) err.println("eenn calibrate: warning: " + w);
        err.flush();
    }

    static ObjectNode toJson(CalibrationResult r, double bound, LambdaGrid grid) {
        ObjectNode o = Json.object();
        o.put("controller", r.controller());
        Json.put(o, "epsilon", r.epsilon());
        Json.put(o, "delta", r.delta());
        Json.put(o, "bound", bound);
        o.put("n", r.n());
        o.put("index", r.index());
        if (grid != null) Json.put(o, "lambda", r.lambda(grid));
        else o.putNull("lambda");
        o.put("feasible", r.feasible());
        o.put("status", r.status());
        o.put("guarantee", r.guarantee().name().toLowerCase(java.util.Locale.ROOT));
        o.put("guarantee_statement", r.guarantee().description());
        o.put("statistic_name", r.statisticName());
        o.put("transform", r.transform().describe());
        Json.put(o, "calibration_risk", r.calibrationRisk());
        o.set("statistic", Json.array(r.statistic()));
        return o;
    }
}
