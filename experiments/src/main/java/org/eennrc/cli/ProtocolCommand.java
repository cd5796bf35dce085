package org.eennrc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.PerExitCalibrator;
import org.eennrc.core.Registry;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.perexit.Configurations;
import org.eennrc.risk.perexit.ExitTables;
import org.eennrc.risk.perexit.ParetoTesting;
import org.eennrc.risk.perexit.PerExitProtocol;
import org.eennrc.risk.protocol.EfficiencyTable;
import org.eennrc.risk.protocol.ProgressListener;
import org.eennrc.risk.protocol.Protocol;
import org.eennrc.risk.protocol.ProtocolRow;
import org.eennrc.risk.protocol.ProtocolSettings;
import org.eennrc.risk.provenance.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eenn protocol}: the evaluation protocol of method.md §5 (seeded random calibration/test splits), one JSON line
 * per (controller, ε) on stdout, and optionally protocol.csv, protocol.json and provenance.json in a folder.
 */
@Command(name = "protocol",
        header = "Evaluate controllers over seeded calibration/test splits (JSON lines).",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate controllers with the paper's protocol: for each of --trials seeded random splits, draw "
                    + "--n-cal calibration samples without replacement (the rest is the test set), let every "
                    + "controller pick a threshold for every epsilon, and record the test risk and the test cost.",
            "Prints one JSON object per (controller, epsilon) with: controller, epsilon, delta, n_cal, trials, "
                    + "mean_risk, sd_risk, violation_rate (fraction of trials with test risk > epsilon), "
                    + "mean_efficiency (mean test cost at the chosen threshold, e.g. exit layer), relative_saving "
                    + "(1 - cost / cost of the full model), mean_index, infeasible_rate.",
            ""},
        footer = {"", "Example (the CALM reproduction, method.md §5):",
            "  eenn protocol --scores rouge_l.npy --reference-row 0 \\",
            "      --efficiency mean_exit_layer.npy --controllers naive,crc,ucb-wsr,ltt-fst \\",
            "      --epsilons 0.01:0.19:0.01 --delta 0.1 --n-cal 100 --trials 50 --seed 42 \\",
            "      --out results/calm-ncal100",
            "On a model's per-exit outputs (cost from the file's flops, or the exit index):",
            "  eenn protocol --outputs outputs.npz --risk prediction-gap --controllers crc,ucb-wsr,ltt-fst \\",
            "      --n-cal 1000 --trials 100",
            "Per-exit thresholds (method.md §7) next to shared ones, on the same splits:",
            "  eenn protocol --outputs outputs.npz --risk prediction-gap \\",
            "      --controllers crc,ucb-wsr,ltt-fst,pareto-ltt --per-exit --grid 0:1:0.05 --n-cal 1000",
            "For pareto-ltt rows, mean_index is the mean number of path positions up to the last rejected one."})
public final class ProtocolCommand implements Callable<Integer> {

    static final List<String> COLUMNS = List.of("controller", "epsilon", "delta", "n_cal", "trials", "mean_risk",
            "sd_risk", "violation_rate", "mean_efficiency", "relative_saving", "mean_index", "infeasible_rate");

    @Mixin
    LossOptions input;

    @Mixin
    PerExitOptions perExit;

    @Option(names = "--efficiency", paramLabel = "FILE",
            description = "Cost per threshold, lower is cheaper (e.g. mean exit layer or FLOPs): 1-D (one value per "
                    + "threshold) or 2-D (per threshold and sample; the test-set mean is used). .npy or .csv. "
                    + "Required with --losses/--scores; with --outputs the cost comes from the outputs (flops, or "
                    + "the exit index when the file has none).")
    Path efficiencyFile;

    @Option(names = {"--controllers", "--controller"}, paramLabel = "NAME", required = true, split = ",",
            description = "Controller names, comma separated (see 'eenn controllers').")
    List<String> controllers;

    @Option(names = {"--epsilons", "--epsilon"}, paramLabel = "GRID", defaultValue = "0.01:0.19:0.01",
            description = "Risk tolerances in (0, 1): start:stop:step (stop included) or a comma list. "
                    + "Default: ${DEFAULT-VALUE}.")
    String epsilons;

    @Option(names = "--delta", paramLabel = "D", defaultValue = "0.1",
            description = "Error level of the high-probability controllers, in (0, 1). Default: ${DEFAULT-VALUE}.")
    double delta;

    @Option(names = "--n-cal", paramLabel = "N", defaultValue = "100",
            description = "Calibration samples per trial (the rest are test samples). Default: ${DEFAULT-VALUE}.")
    int nCal;

    @Option(names = "--trials", paramLabel = "T", defaultValue = "50",
            description = "Number of random calibration/test splits. Default: ${DEFAULT-VALUE}.")
    int trials;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of the splits; the same seed gives the same splits. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Also write protocol.csv, protocol.json and provenance.json into the folder DIR, whole or "
                    + "not at all (written beside it, then moved into place). DIR must be new or empty; an "
                    + "earlier result folder is replaced only with --force.")
    Path outDir;

    @Option(names = "--force",
            description = "Replace the --out folder of an earlier run (only a folder that eenn wrote and that "
                    + "holds nothing else).")
    boolean force;

    @Option(names = "--chart",
            description = "With --out, also write protocol.png: test risk, violation rate, cost and relative saving "
                    + "against epsilon, one curve per controller.")
    boolean chart;

    @Option(names = "--quiet", description = "No progress messages on stderr.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> args = spec.root().commandLine().getParseResult().originalArgs();
        Provenance.Builder provenance = Provenance.start("protocol", args);
        long t0 = System.nanoTime();
        double[] eps = Inputs.epsilons(epsilons, "--epsilons");
        double d = Inputs.delta(delta);
        Inputs.atLeast(trials, 1, "--trials");
        Inputs.atLeast(nCal, 2, "--n-cal");
        ControllerRegistry registry = Registry.current().controllers();
        List<String> perExitNames = PerExitOptions.perExitNames(registry, controllers);
        perExit.checkUsage(perExitNames);
        List<String> sharedNames = PerExitOptions.sharedNames(registry, controllers);
        List<RiskController> cs = sharedNames.isEmpty() ? List.of() : Inputs.controllers(registry, sharedNames);
        List<ParetoTesting> pcs = perExit.controllers(registry, perExitNames);
        if (perExit.perExit && input.source.outputs == null) {
            throw new UsageException("--per-exit needs --outputs (per-exit losses and confidences)");
        }
        if (outDir != null) Outputs.checkFolder(outDir, force, "--out");
        if (chart && outDir == null) throw new UsageException("--chart needs --out (protocol.png is written there)");

        LossOptions.Loaded loaded = input.loadAll();
        LossMatrix losses = loaded.losses();
        EfficiencyTable efficiency;
        if (efficiencyFile != null) {
            efficiency = Inputs.efficiency(efficiencyFile, losses, input.noun());
        } else if (loaded.fromOutputs()) {
            efficiency = EfficiencyTable.perSample(loaded.builder().efficiency().computeMatrix());
        } else {
            throw new CliException("--efficiency is required with --losses or --scores");
        }
        PrintWriter warn = spec.commandLine().getErr();
        for (String w : input.checkOrientation(loaded, efficiencyFile != null)) warn.println("eenn protocol: warning: " + w);
        for (String w : LossOptions.monotonicityWarnings(loaded)) warn.println("eenn protocol: warning: " + w);
        warn.flush();
        if (nCal >= losses.numSamples()) {
            throw new CliException("--n-cal " + nCal + " leaves no test samples: " + input.noun() + " have "
                    + losses.numSamples() + " samples");
        }
        ProtocolSettings settings = new ProtocolSettings(eps, d, nCal, trials, seed);
        long t1 = System.nanoTime();

        PrintWriter err = spec.commandLine().getErr();
        ProgressListener progress = quiet ? ProgressListener.NONE : new ProgressPrinter(err, "eenn protocol");
        List<ProtocolRow> rows = new java.util.ArrayList<>();
        if (!cs.isEmpty()) rows.addAll(Protocol.run(losses, efficiency, cs, settings, progress));
        if (!pcs.isEmpty()) {
            ExitTables tables;
            try {
                tables = PerExitCalibrator.tables(loaded.builder().outputs(), loaded.risk(), loaded.builder().measure());
            } catch (IllegalArgumentException e) {
                throw new CliException(input.noun() + ": " + e.getMessage(), e);
            }
            family = perExit.family(tables.numExits());
            rows.addAll(PerExitProtocol.run(tables, family, pcs, settings, progress));
        }
        long t2 = System.nanoTime();

        PrintWriter out = spec.commandLine().getOut();
        ArrayNode all = Json.MAPPER.createArrayNode();
        for (ProtocolRow r : rows) {
            ObjectNode o = toJson(r);
            all.add(o);
            out.println(Json.line(o));
        }
        out.flush();

        if (outDir != null) {
            writeOutputs(rows, all, loaded, efficiency, settings, provenance, t0, t1, t2);
        }
        return EennCli.EXIT_OK;
    }

    /** The per-exit configuration family, when per-exit controllers ran. */
    private Configurations family;

    private void writeOutputs(List<ProtocolRow> rows, ArrayNode all, LossOptions.Loaded loaded, EfficiencyTable efficiency,
                              ProtocolSettings settings, Provenance.Builder provenance, long t0, long t1, long t2)
            throws IOException {
        byte[] csv = toCsv(rows).getBytes(StandardCharsets.UTF_8);
        byte[] json = Json.pretty(all).getBytes(StandardCharsets.UTF_8);

        Map<String, Object> s = new LinkedHashMap<>();
        s.put("loss_source", input.kind());
        if (input.source.scores != null) s.put("reference_row", input.referenceRowOrDefault());
        if (input.source.outputs != null) {
            s.put("risk", input.risk);
            s.put("confidence", input.confidence == null ? ConfidenceMeasures.DEFAULT : input.confidence);
            s.put("grid", "1.00, 0.99, ..., 0.00");
        }
        LossMatrix losses = loaded.losses();
        s.put("bound", losses.upperBound());
        s.put("num_lambdas", losses.numLambdas());
        s.put("num_samples", losses.numSamples());
        s.put("efficiency", efficiency.isPerSample() ? "per_sample" : "per_lambda");
        s.put("epsilons", settings.epsilons());
        s.put("delta", settings.delta());
        s.put("n_cal", settings.nCal());
        s.put("trials", settings.trials());
        s.put("controllers", rows.stream().map(ProtocolRow::controller).distinct().toList());
        if (family != null) {
            Map<String, Object> pe = new LinkedHashMap<>();
            pe.put("configurations", family.description());
            pe.put("num_configurations", family.size());
            pe.put("split_fraction", perExit.split);
            pe.put("per_exit_seed", perExit.seed);
            s.put("per_exit", pe);
        }
        provenance.seed(seed).detail("settings", s).input(input.kind(), input.file())
                .plugins(Registry.current().plugins().jars());
        if (efficiencyFile != null) provenance.input("efficiency", efficiencyFile);
        long t3 = System.nanoTime();
        Map<String, Object> dur = new LinkedHashMap<>();
        dur.put("load", (t1 - t0) / 1e9);
        dur.put("protocol", (t2 - t1) / 1e9);
        dur.put("total", (t3 - t0) / 1e9);
        provenance.detail("durations_s", dur).detail("outputs", List.of("protocol.csv", "protocol.json"));
        byte[] png = null;
        if (chart) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            String title = String.format(Locale.ROOT, "%s, %s, n_cal = %d, %d trials, δ = %s",
                    input.file().getParent() == null ? input.file() : input.file().getParent().getFileName()
                            .resolve(input.file().getFileName()), input.risk == null ? "losses" : input.risk, settings.nCal(),
                    settings.trials(), settings.delta());
            String cost = loaded.fromOutputs() ? (loaded.builder().efficiency().fromFlops() ? "mean FLOPs" :
                    "mean exit layer") : "mean cost";
            org.eennrc.experiments.Charts.write(bytes, title,
                    rows.stream().map(ProtocolRow::controller).distinct().toList(), rows, settings.delta(), cost);
            png = bytes.toByteArray();
            provenance.detail("outputs", List.of("protocol.csv", "protocol.json", "protocol.png"));
        }
        byte[] chartPng = png;
        byte[] prov = provenance.finish().toJson().getBytes(StandardCharsets.UTF_8);
        Outputs.writeFolder(outDir, force, "--out", "eenn protocol", tmp -> {
            Files.write(tmp.resolve("protocol.csv"), csv);
            Files.write(tmp.resolve("protocol.json"), json);
            Files.write(tmp.resolve("provenance.json"), prov);
            if (chartPng != null) Files.write(tmp.resolve("protocol.png"), chartPng);
        });
    }

    static ObjectNode toJson(ProtocolRow r) {
        ObjectNode o = Json.object();
        o.put("controller", r.controller());
        Json.put(o, "epsilon", r.epsilon());
        Json.put(o, "delta", r.delta());
        o.put("n_cal", r.nCal());
        o.put("trials", r.trials());
        Json.put(o, "mean_risk", r.meanRisk());
        Json.put(o, "sd_risk", r.sdRisk());
        Json.put(o, "violation_rate", r.violationRate());
        Json.put(o, "mean_efficiency", r.meanEfficiency());
        Json.put(o, "relative_saving", r.relativeSaving());
        Json.put(o, "mean_index", r.meanIndex());
        Json.put(o, "infeasible_rate", r.infeasibleRate());
        return o;
    }

    static String toCsv(List<ProtocolRow> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (ProtocolRow r : rows) {
            sb.append(r.controller()).append(',')
                    .append(num(r.epsilon())).append(',')
                    .append(num(r.delta())).append(',')
                    .append(r.nCal()).append(',')
                    .append(r.trials()).append(',')
                    .append(num(r.meanRisk())).append(',')
                    .append(num(r.sdRisk())).append(',')
                    .append(num(r.violationRate())).append(',')
                    .append(num(r.meanEfficiency())).append(',')
                    .append(num(r.relativeSaving())).append(',')
                    .append(num(r.meanIndex())).append(',')
                    .append(num(r.infeasibleRate())).append('\n');
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v).toLowerCase(Locale.ROOT) : "";
    }
}
