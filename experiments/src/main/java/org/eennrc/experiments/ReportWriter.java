package org.eennrc.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eennrc.core.Registry;
import org.eennrc.experiments.Reproducer.Results;
import org.eennrc.experiments.Reproducer.Run;
import org.eennrc.experiments.data.RiskInput;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.io.ResultFolder;
import org.eennrc.risk.protocol.ProtocolRow;
import org.eennrc.risk.provenance.FileDigest;
import org.eennrc.risk.provenance.Provenance;

/**
 * Writes a report folder: {@code results.csv} and {@code results.json} (every number), {@code provenance.json},
 * the config as it was read, one PNG of four panels per risk and calibration size, and {@code report.md}
 * embedding the figures and checking the claims of method.md §5.
 *
 * <p>The folder is written whole or not at all by {@link ResultFolder} (into a fresh hidden folder beside it,
 * then moved into place), which also refuses to replace anything eenn did not write: an earlier report goes
 * only with {@code force}, a folder of the user's files never.
 */
public final class ReportWriter {
    static final List<String> COLUMNS = List.of("risk", "n_cal", "controller", "guarantee", "epsilon", "delta", "trials",
            "mean_risk", "sd_risk", "violation_rate", "mean_efficiency", "relative_saving", "mean_index", "infeasible_rate");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {}

    /**
     * Writes the report as the folder {@code dir} (whole or not at all) and returns the list of files written.
     *
     * @param force replace an earlier report in {@code dir} (see {@link ResultFolder#write})
     * @param provenance started when the command started; the report adds the config, the data, the plug-ins and the
     *     timings, and finishes it
     */
    public static List<String> write(Path dir, boolean force, Results res, Provenance.Builder provenance)
            throws IOException {
        List<String> files = new ArrayList<>();
        org.eennrc.cli.Outputs.writeFolder(dir, force, "--out", "eenn reproduce", tmp -> writeFiles(tmp, res, provenance, files));
        return files;
    }

    private static void writeFiles(Path tmp, Results res, Provenance.Builder provenance, List<String> files)
            throws IOException {
        long t0 = System.nanoTime();
        String cfgName = res.config().source == null ? "config.yaml" : "config" + extension(res.config().source);
        Files.writeString(tmp.resolve(cfgName), res.config().text == null ? "" : res.config().text);
        files.add(cfgName);

        Files.writeString(tmp.resolve("results.csv"), csv(res));
        files.add("results.csv");

        for (org.eennrc.experiments.data.ReportSection s : res.sections()) {
            for (Map.Entry<String, byte[]> f : s.files().entrySet()) {
                if (files.contains(f.getKey())) {
                    throw new IllegalStateException("two report files named " + f.getKey());
                }
                Files.write(tmp.resolve(f.getKey()), f.getValue());
                files.add(f.getKey());
            }
        }

        List<String> figures = new ArrayList<>();
        for (Run run : res.runs()) {
            RiskInput in = input(res, run.risk());
            String fig = "fig-" + run.risk().replaceAll("[^A-Za-z0-9._-]", "_") + "-ncal" + run.nCal() + ".png";
            try (OutputStream os = Files.newOutputStream(tmp.resolve(fig))) {
                Charts.write(os, res.config().name + ": " + run.risk() + ", n_cal = " + run.nCal() + ", "
                        + run.rows().get(0).trials() + " trials, δ = " + Charts.trim(res.config().protocol.delta),
                        res.controllerNames(), run.rows(), res.config().protocol.delta, in.efficiencyLabel());
            }
            figures.add(fig);
            files.add(fig);
        }
        Map<String, Double> timings = new LinkedHashMap<>(res.timings());
        timings.put("figures_s", (System.nanoTime() - t0) / 1e9);
        timings.put("total_s", Duration.between(res.started(), java.time.Instant.now()).toMillis() / 1e3);

        Provenance prov = provenance(res, provenance, timings);
        prov.write(tmp.resolve("provenance.json"));
        files.add("provenance.json");
        JSON.writeValue(tmp.resolve("results.json").toFile(), json(res, prov));
        files.add("results.json");
        List<Claims.Claim> claims = Claims.check(res);
        Files.writeString(tmp.resolve("report.md"), markdown(res, figures, claims, prov, cfgName), StandardCharsets.UTF_8);
        files.add("report.md");
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int i = n.lastIndexOf('.');
        return i < 0 ? ".yaml" : n.substring(i);
    }

    static RiskInput input(Results res, String risk) {
        return res.inputs().stream().filter(i -> i.risk().equals(risk)).findFirst().orElseThrow();
    }

    static String csv(Results res) {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (Run run : res.runs()) {
            for (ProtocolRow r : run.rows()) {
                sb.append(run.risk()).append(',').append(run.nCal()).append(',').append(r.controller()).append(',')
                        .append(res.guarantees().get(r.controller()).name().toLowerCase(Locale.ROOT)).append(',')
                        .append(num(r.epsilon())).append(',').append(num(r.delta())).append(',').append(r.trials()).append(',')
                        .append(num(r.meanRisk())).append(',').append(num(r.sdRisk())).append(',')
                        .append(num(r.violationRate())).append(',').append(num(r.meanEfficiency())).append(',')
                        .append(num(r.relativeSaving())).append(',').append(num(r.meanIndex())).append(',')
                        .append(num(r.infeasibleRate())).append('\n');
            }
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    private static Provenance provenance(Results res, Provenance.Builder p, Map<String, Double> timings) {
        if (res.config().source != null) p.input("config", res.config().source);
        if (res.config().text != null) p.configHash(FileDigest.sha256(res.config().text));
        p.seed(res.config().protocol.seed)
                .plugins(Registry.current().plugins().jars())
                .detail("libraries", Machine.libraries())
                .detail("machine", Machine.machine())
                .detail("data", res.dataProvenance())
                .detail("timings", timings);
        return p.finish();
    }

    private static Map<String, Object> json(Results res, Provenance prov) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("experiment", res.config().name);
        o.put("description", res.config().description);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("epsilons", res.config().protocol.epsilons.values());
        s.put("delta", res.config().protocol.delta);
        s.put("n_cal", res.config().protocol.nCal.values());
        s.put("trials", res.config().protocol.trials);
        s.put("seed", res.config().protocol.seed);
        s.put("controllers", res.controllerNames());
        Map<String, String> g = new LinkedHashMap<>();
        res.guarantees().forEach((k, v) -> g.put(k, v.description()));
        s.put("guarantees", g);
        s.put("confidence", res.config().confidence);
        o.put("settings", s);
        List<Object> risks = new ArrayList<>();
        for (RiskInput in : res.inputs()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("risk", in.risk());
            r.put("loss_lower_bound", in.losses().lowerBound());
            r.put("loss_upper_bound", in.losses().upperBound());
            r.put("num_samples", in.losses().numSamples());
            r.put("num_lambdas", in.losses().numLambdas());
            r.put("lambdas", in.lambdas());
            r.put("efficiency", in.efficiencyLabel());
            r.put("full_model_cost", in.efficiency().mean(0));
            r.put("diagnostics", in.diagnostics());
            r.put("warnings", in.warnings());
            List<Object> runs = new ArrayList<>();
            for (Run run : res.runs()) {
                if (!run.risk().equals(in.risk())) continue;
                Map<String, Object> rr = new LinkedHashMap<>();
                rr.put("n_cal", run.nCal());
                rr.put("seconds", run.seconds());
                List<Object> rows = new ArrayList<>();
                for (ProtocolRow row : run.rows()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("controller", row.controller());
                    m.put("epsilon", row.epsilon());
                    m.put("mean_risk", row.meanRisk());
                    m.put("sd_risk", row.sdRisk());
                    m.put("violation_rate", row.violationRate());
                    m.put("mean_efficiency", row.meanEfficiency());
                    m.put("relative_saving", row.relativeSaving());
                    m.put("mean_index", row.meanIndex());
                    m.put("infeasible_rate", row.infeasibleRate());
                    rows.add(m);
                }
                rr.put("rows", rows);
                if (!run.baselines().isEmpty()) {
                    List<Object> bl = new ArrayList<>();
                    for (Reproducer.BaselineRow b : run.baselines()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("controller", b.controller());
                        m.put("epsilon", b.epsilon());
                        m.put("real_risk", b.realRisk());
                        m.put("real_cost", b.realCost());
                        m.put("random_risk", b.randomRisk());
                        m.put("random_cost", b.randomCost());
                        m.put("permuted_risk", b.permutedRisk());
                        m.put("permuted_cost", b.permutedCost());
                        m.put("constant_risk", b.constantRisk());
                        m.put("constant_cost", b.constantCost());
                        bl.add(m);
                    }
                    rr.put("baselines", bl);
                }
                runs.add(rr);
            }
            r.put("runs", runs);
            risks.add(r);
        }
        o.put("risks", risks);
        o.put("claims", Claims.check(res));
        o.put("provenance", prov.toMap());
        return o;
    }

    private static String markdown(Results res, List<String> figures, List<Claims.Claim> claims, Provenance prov,
                                   String cfgName) {
        var c = res.config();
        StringBuilder md = new StringBuilder();
        md.append("# Reproduction: ").append(c.name).append("\n\n");
        if (c.description != null) md.append(c.description.strip()).append("\n\n");
        md.append("Generated by `eenn reproduce ").append(c.source == null ? "" : c.source.getFileName()).append("` at ")
                .append(res.finished()).append(" with eenn-rc ").append(prov.build().version()).append(" (commit `")
                .append(prov.build().commit()).append('`')
                .append(Boolean.TRUE.equals(prov.build().dirty()) ? ", built with uncommitted changes" : "").append("). ")
                .append("Every number is in [`results.csv`](results.csv) and [`results.json`](results.json); the config is ")
                .append("copied as [`").append(cfgName).append("`](").append(cfgName).append(").\n\n");

        md.append("## Settings\n\n| setting | value |\n| --- | --- |\n");
        md.append("| data | `").append(c.data.type()).append("` |\n");
        if (!(c.data instanceof org.eennrc.experiments.config.ExperimentConfig.CachedScores)) {
            md.append("| confidence | ").append(c.confidence).append(" |\n");
        }
        md.append("| risks | ").append(String.join(", ", c.risks)).append(" |\n");
        StringBuilder ctl = new StringBuilder();
        res.guarantees().forEach((n, g) -> ctl.append(ctl.length() == 0 ? "" : ", ").append(n).append(" (")
                .append(g == Guarantee.NONE ? "no guarantee" : g.description()).append(')'));
        md.append("| controllers | ").append(ctl).append(" |\n");
        double[] eps = c.protocol.epsilons.values();
        md.append(String.format(Locale.ROOT, "| ε grid | %s … %s (%d values) |%n", Charts.trim(eps[0]), Charts.trim(eps[eps.length - 1]), eps.length));
        md.append("| δ | ").append(Charts.trim(c.protocol.delta)).append(" |\n");
        md.append("| n_cal | ").append(c.protocol.nCal.values()).append(" |\n");
        md.append("| trials | ").append(c.protocol.trials).append(" |\n");
        md.append("| seed | ").append(c.protocol.seed).append(" |\n");
        RiskInput first = res.inputs().get(0);
        md.append("| samples × thresholds | ").append(first.losses().numSamples()).append(" × ")
                .append(first.losses().numLambdas()).append(" |\n\n");

        md.append("## Claims of method.md §5\n\n");
        md.append("| claim | risk | n_cal | verdict | evidence |\n| --- | --- | --- | --- | --- |\n");
        for (Claims.Claim cl : claims) {
            md.append("| ").append(cl.claim()).append(" | ").append(cl.risk()).append(" | ")
                    .append(cl.nCal() == null ? "all" : cl.nCal()).append(" | **").append(cl.verdict()).append("** | ")
                    .append(cl.evidence()).append(" |\n");
        }
        md.append('\n').append(Claims.CRITERIA).append("\n\n");

        for (org.eennrc.experiments.data.ReportSection s : res.sections()) {
            md.append("## ").append(s.title()).append("\n\n").append(s.markdown().strip()).append("\n\n");
        }

        md.append("## Results\n\n");
        int fi = 0;
        for (RiskInput in : res.inputs()) {
            md.append("### ").append(in.risk()).append("\n\n");
            md.append(String.format(Locale.ROOT, "Loss range [%s, %s]; cost: %s (full model: %.4g).%n%n",
                    Charts.trim(in.losses().lowerBound()), Charts.trim(in.losses().upperBound()), in.efficiencyLabel(),
                    in.efficiency().mean(0)));
            for (String w : in.warnings()) md.append("> Monotonicity warning: ").append(w).append("\n\n");
            for (Run run : res.runs()) {
                if (!run.risk().equals(in.risk())) continue;
                String fig = figures.get(fi++);
                md.append("#### n_cal = ").append(run.nCal()).append("\n\n");
                md.append("![").append(in.risk()).append(", n_cal ").append(run.nCal()).append("](").append(fig).append(")\n\n");
                md.append(table(run, eps, res));
                if (!run.baselines().isEmpty()) md.append(baselineTable(run, eps, res));
            }
        }

        md.append("## Provenance\n\n");
        md.append("```json\n");
        md.append(prov.toJson());
        md.append("```\n");
        return md.toString();
    }

    /** The permutation baselines (method.md §6) at the same few ε values as {@link #table}; all are in results.json. */
    private static String baselineTable(Run run, double[] eps, Results res) {
        List<Double> pick = pick(eps);
        StringBuilder sb = new StringBuilder("Permutation baselines at each controller's λ̂ (method.md §6; mean test risk"
                + " / mean cost over the trials): the real exits, random exits with the same distribution, the exits"
                + " permuted across samples, and one constant exit of about the same cost.\n\n");
        sb.append("| controller | ε | real | random | permuted | constant |\n| --- | --- | --- | --- | --- | --- |\n");
        for (String c : res.controllerNames()) {
            for (Reproducer.BaselineRow b : run.baselines()) {
                if (!b.controller().equals(c) || !pick.contains(b.epsilon())) continue;
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.4f / %.4g | %.4f / %.4g | %.4f / %.4g | %.4f / %.4g |%n",
                        c, Charts.trim(b.epsilon()), b.realRisk(), b.realCost(), b.randomRisk(), b.randomCost(),
                        b.permutedRisk(), b.permutedCost(), b.constantRisk(), b.constantCost()));
            }
        }
        return sb.append('\n').toString();
    }

    private static List<Double> pick(double[] eps) {
        List<Double> pick = new ArrayList<>();
        for (double target : new double[] {eps[0], 0.05, 0.10, eps[eps.length - 1]}) {
            double best = eps[0];
            for (double e : eps) if (Math.abs(e - target) < Math.abs(best - target)) best = e;
            if (!pick.contains(best)) pick.add(best);
        }
        return pick;
    }

    /** A compact table at a few ε values (all values are in results.csv). */
    private static String table(Run run, double[] eps, Results res) {
        List<Double> pick = new ArrayList<>();
        for (double target : new double[] {eps[0], 0.05, 0.10, eps[eps.length - 1]}) {
            double best = eps[0];
            for (double e : eps) if (Math.abs(e - target) < Math.abs(best - target)) best = e;
            if (!pick.contains(best)) pick.add(best);
        }
        StringBuilder sb = new StringBuilder("| controller | ε | test risk (mean ± sd) | violation rate | mean cost | saving | infeasible |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (String c : res.controllerNames()) {
            for (ProtocolRow r : run.rows()) {
                if (!r.controller().equals(c) || !pick.contains(r.epsilon())) continue;
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.4f ± %.4f | %.2f | %.4g | %.1f %% | %.2f |%n", c,
                        Charts.trim(r.epsilon()), r.meanRisk(), r.sdRisk(), r.violationRate(), r.meanEfficiency(),
                        100 * r.relativeSaving(), r.infeasibleRate()));
            }
        }
        return sb.append('\n').toString();
    }
}
