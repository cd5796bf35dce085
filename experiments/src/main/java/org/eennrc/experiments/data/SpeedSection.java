package org.eennrc.experiments.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.eennrc.core.Calibrator;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.EarlyExitPredictor;
import org.eennrc.models.SpeedTest;
import org.eennrc.models.train.Permutation;

/**
 * The report's "real early exit, measured" section (the {@code speed} block of a config): one policy certified on a
 * seeded half of the exported outputs, then real early exit with it timed against the full model on the other half
 * ({@link SpeedTest#compare}), next to the speedup the multiply-add counts predict (method.md §5). The decisions of
 * real early exit are checked against the simulated exit on the same outputs; a mismatch is reported, not hidden.
 */
final class SpeedSection {
    private SpeedSection() {
    }

    /**
     * One form of the model to time: its outputs on the whole split (what the policy is calibrated on, so that real
     * early exit makes exactly the simulated decisions) and its real early-exit engine.
     */
    record Form(String name, ExitOutputs outputs, EarlyExitPredictor predictor) {
    }

    /** One form measured. */
    private record Measured(Form form, ExitPolicy policy, ExitResult simulated, double predicted,
                            SpeedTest.Comparison comparison, double fullAccuracy, double earlyExitAccuracy,
                            boolean same) {
    }

    /**
     * Measures every form in turn and describes them in one table.
     *
     * @param forms      the model as trained and, optionally, other forms (batch norm folded)
     * @param inputsOf   the model inputs of a sorted subset of the split's examples
     * @param labels     the split's labels (accuracy of both paths)
     * @param cumulative cumulative cost of reaching each exit (multiply-adds)
     * @param provenance receives the figures under {@code speed}
     */
    static ReportSection measure(ExperimentConfig config, java.util.List<Form> forms,
                                 Function<int[], SpeedTest.Inputs> inputsOf, int[] labels, double[] cumulative,
                                 ExperimentData.Log log, Map<String, Object> provenance) {
        ExperimentConfig.SpeedConfig sp = config.speed;
        double delta = sp.delta != null ? sp.delta : config.protocol.delta;
        int n = forms.get(0).outputs().numSamples();
        int[] perm = Permutation.of(n, new java.util.Random(sp.seed));
        int[] cal = Arrays.copyOfRange(perm, 0, n / 2);
        int[] rest = Arrays.copyOfRange(perm, n / 2, n);
        Arrays.sort(cal);
        Arrays.sort(rest);
        int[] y = new int[rest.length];
        for (int i = 0; i < rest.length; i++) {
            y[i] = labels[rest[i]];
        }
        SpeedTest.Inputs inputs = inputsOf.apply(rest);
        double fullCost = cumulative[cumulative.length - 1];
        String loadBefore = SpeedTest.loadAverage();
        java.util.List<Measured> done = new java.util.ArrayList<>();
        for (Form f : forms) {
            ExitPolicy policy = Calibrator.builder().risk(sp.risk).controller(sp.controller)
                    .confidence(config.confidence).grid(LambdaGrid.uniform(config.lambdaGrid.size))
                    .epsilon(sp.epsilon).delta(delta).build().fit(f.outputs().subset(cal));
            ExitResult sim = policy.apply(f.outputs().subset(rest));
            log.info(String.format(Locale.ROOT, "timing real early exit of the model %s (%s, %s, eps=%s: lambda=%.2f, "
                            + "exits %s) against its full model on %d images, batch %d, best of %d, %d batch-1 calls",
                    f.name(), sp.risk, sp.controller, sp.epsilon, policy.lambda(), Arrays.toString(sim.exitHistogram()),
                    rest.length, sp.batch, sp.repeats, sp.latencySamples));
            SpeedTest.Comparison c = SpeedTest.compare(f.predictor(), policy, inputs, sp.batch, sp.repeats,
                    sp.latencySamples);
            log.info("measured (" + f.name() + "): " + c);
            done.add(new Measured(f, policy, sim, fullCost / sim.meanCost(cumulative), c,
                    c.full().result().accuracy(y), c.earlyExit().result().accuracy(y),
                    c.earlyExit().result().sameDecisions(sim)));
        }
        String loadAfter = SpeedTest.loadAverage();

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("risk", sp.risk);
        m.put("controller", sp.controller);
        m.put("epsilon", sp.epsilon);
        m.put("delta", delta);
        m.put("calibration_images", cal.length);
        m.put("test_images", rest.length);
        m.put("batch", sp.batch);
        m.put("repeats", sp.repeats);
        m.put("latency_samples", Math.min(sp.latencySamples, rest.length));
        m.put("runtime", Dl4jRuntime.describe());
        m.put("load_average_before_after", loadBefore + " / " + loadAfter);
        Map<String, Object> byForm = new LinkedHashMap<>();
        for (Measured d : done) {
            SpeedTest.Comparison c = d.comparison();
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("lambda", d.policy().lambda());
            f.put("exit_histogram", d.simulated().exitHistogram());
            f.put("full_images_per_second", c.full().imagesPerSecond());
            f.put("early_exit_images_per_second", c.earlyExit().imagesPerSecond());
            f.put("measured_speedup", c.speedup());
            f.put("flops_predicted_speedup", d.predicted());
            f.put("full_median_ms_batch1", c.full().medianMs());
            f.put("early_exit_median_ms_batch1", c.earlyExit().medianMs());
            f.put("latency_speedup", c.latencySpeedup());
            f.put("full_accuracy", d.fullAccuracy());
            f.put("early_exit_accuracy", d.earlyExitAccuracy());
            f.put("same_decisions_as_simulated", d.same());
            byForm.put(d.form().name(), f);
        }
        m.put("forms", byForm);
        provenance.put("speed", m);

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "What a user deploying this model gets: %s certifies %s at ε = %s "
                        + "(δ = %s) on %d of the %d exported images (seed %d), on the outputs of the form of the model "
                        + "that is then run. Real early exit with that policy (later stages not run for the images "
                        + "that leave) is timed against the same form's full model on the other %d images, in this "
                        + "run, the two alternated (best of %d passes at batch %d; %d single-image calls for the "
                        + "latency). The FLOPs-predicted speedup (full model's multiply-adds over the mean) is the "
                        + "diagnostic; the measured one is the result.%n%n",
                sp.controller, sp.risk, trim(sp.epsilon), trim(delta), cal.length, n, sp.seed, rest.length, sp.repeats,
                sp.batch, Math.min(sp.latencySamples, rest.length)));
        md.append("| model form | λ | exits taken | full model img/s | early exit img/s | **speedup** | "
                + "median ms at batch 1: full / early exit | **latency speedup** | FLOPs-predicted | test accuracy: "
                + "full / early exit | decisions = simulated |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Measured d : done) {
            SpeedTest.Comparison c = d.comparison();
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %.0f | %.0f | **%.2f×** | %.2f / %.2f | **%.2f×** | "
                            + "%.2f× | %.4f / %.4f | %s |%n", d.form().name(), d.policy().lambda(),
                    Arrays.toString(d.simulated().exitHistogram()), c.full().imagesPerSecond(),
                    c.earlyExit().imagesPerSecond(), c.speedup(), c.full().medianMs(), c.earlyExit().medianMs(),
                    c.latencySpeedup(), d.predicted(), d.fullAccuracy(), d.earlyExitAccuracy(),
                    d.same() ? "yes" : "**NO** (a bug: please report it)"));
        }
        md.append(String.format(Locale.ROOT, "%nRuntime: %s; load average before / after: %s / %s (figures from a "
                + "loaded machine are low, and their ratios noisy). docs/benchmarks.md has the frontier of this "
                + "network against static ones and the comparison with PyTorch.%n", Dl4jRuntime.describe(),
                loadBefore, loadAfter));
        return new ReportSection("Real early exit, measured", md.toString(), Map.of());
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

}
