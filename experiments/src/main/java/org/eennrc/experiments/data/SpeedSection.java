package org.eennrc.experiments.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * Measures and describes.
     *
     * @param outputs    the exported outputs of the evaluation split (example i = input i of {@code inputsOf})
     * @param predictor  the model's real early-exit engine
     * @param inputsOf   the model inputs of a sorted subset of the split's examples
     * @param labels     the split's labels (accuracy of both paths)
     * @param cumulative cumulative cost of reaching each exit (multiply-adds)
     * @param provenance receives the figures under {@code speed}
     */
    static ReportSection measure(ExperimentConfig config, ExitOutputs outputs, EarlyExitPredictor predictor,
                                 Function<int[], SpeedTest.Inputs> inputsOf, int[] labels, double[] cumulative,
                                 ExperimentData.Log log, Map<String, Object> provenance) {
        ExperimentConfig.SpeedConfig sp = config.speed;
        double delta = sp.delta != null ? sp.delta : config.protocol.delta;
        int n = outputs.numSamples();
        int[] perm = Permutation.of(n, new java.util.Random(sp.seed));
        int[] cal = Arrays.copyOfRange(perm, 0, n / 2);
        int[] rest = Arrays.copyOfRange(perm, n / 2, n);
        Arrays.sort(cal);
        Arrays.sort(rest);
        ExitPolicy policy = Calibrator.builder().risk(sp.risk).controller(sp.controller).confidence(config.confidence)
                .grid(LambdaGrid.uniform(config.lambdaGrid.size)).epsilon(sp.epsilon).delta(delta).build()
                .fit(outputs.subset(cal));
        ExitOutputs testOut = outputs.subset(rest);
        ExitResult sim = policy.apply(testOut);
        double fullCost = cumulative[cumulative.length - 1];
        double predicted = fullCost / sim.meanCost(cumulative);
        log.info(String.format(Locale.ROOT, "timing real early exit (%s, %s, eps=%s: lambda=%.2f, exits %s) against the "
                        + "full model on %d images, batch %d, best of %d, %d batch-1 calls", sp.risk, sp.controller,
                sp.epsilon, policy.lambda(), Arrays.toString(sim.exitHistogram()), rest.length, sp.batch, sp.repeats,
                sp.latencySamples));
        String loadBefore = load();
        SpeedTest.Comparison c = SpeedTest.compare(predictor, policy, inputsOf.apply(rest), sp.batch, sp.repeats,
                sp.latencySamples);
        String loadAfter = load();
        log.info("measured: " + c);
        boolean same = c.earlyExit().result().sameDecisions(sim);
        int[] y = new int[rest.length];
        for (int i = 0; i < rest.length; i++) {
            y[i] = labels[rest[i]];
        }
        double fullAcc = c.full().result().accuracy(y);
        double eeAcc = c.earlyExit().result().accuracy(y);

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("risk", sp.risk);
        m.put("controller", sp.controller);
        m.put("epsilon", sp.epsilon);
        m.put("delta", delta);
        m.put("lambda", policy.lambda());
        m.put("calibration_images", cal.length);
        m.put("test_images", rest.length);
        m.put("exit_histogram", sim.exitHistogram());
        m.put("batch", sp.batch);
        m.put("repeats", sp.repeats);
        m.put("full_images_per_second", c.full().imagesPerSecond());
        m.put("early_exit_images_per_second", c.earlyExit().imagesPerSecond());
        m.put("measured_speedup", c.speedup());
        m.put("flops_predicted_speedup", predicted);
        m.put("latency_samples", c.latencySamples());
        m.put("full_median_ms_batch1", c.full().medianMs());
        m.put("early_exit_median_ms_batch1", c.earlyExit().medianMs());
        m.put("latency_speedup", c.latencySpeedup());
        m.put("full_accuracy", fullAcc);
        m.put("early_exit_accuracy", eeAcc);
        m.put("same_decisions_as_simulated", same);
        m.put("runtime", Dl4jRuntime.describe());
        m.put("load_average_before_after", loadBefore + " / " + loadAfter);
        provenance.put("speed", m);

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "What a user deploying this model gets: %s certifies %s at ε = %s "
                        + "(δ = %s) on %d of the %d exported images (seed %d): λ = %.2f. Real early exit with that "
                        + "policy (later stages not run for the images that leave) is timed against the full model "
                        + "on the other %d images, in this run, alternating the two (best of %d passes at batch %d; "
                        + "%d single-image calls for the latency). The FLOPs-predicted speedup is the diagnostic.%n%n",
                sp.controller, sp.risk, trim(sp.epsilon), trim(delta), cal.length, n, sp.seed, policy.lambda(),
                rest.length, sp.repeats, sp.batch, c.latencySamples()));
        md.append("| | full model | real early exit | ratio |\n| --- | --- | --- | --- |\n");
        md.append(String.format(Locale.ROOT, "| images/s at batch %d | %.0f | %.0f | **%.2f×** |%n", sp.batch,
                c.full().imagesPerSecond(), c.earlyExit().imagesPerSecond(), c.speedup()));
        if (c.latencySamples() > 0) {
            md.append(String.format(Locale.ROOT, "| median latency at batch 1 (ms) | %.2f | %.2f | **%.2f×** lower |%n",
                    c.full().medianMs(), c.earlyExit().medianMs(), c.latencySpeedup()));
        }
        md.append(String.format(Locale.ROOT, "| mean multiply-adds per image (M) | %.3f | %.3f | %.2f× (predicted) |%n",
                fullCost / 1e6, sim.meanCost(cumulative) / 1e6, predicted));
        md.append(String.format(Locale.ROOT, "| test accuracy (this half) | %.4f | %.4f | %+.4f |%n%n", fullAcc, eeAcc,
                eeAcc - fullAcc));
        md.append(String.format(Locale.ROOT, "Exits taken on the test half: %s. Real early exit made the simulated "
                        + "exit's decisions: **%s**. Runtime: %s; load average before / after: %s / %s (wall-clock "
                        + "figures from a loaded machine are low, and their ratio noisy).%n",
                Arrays.toString(sim.exitHistogram()), same ? "yes" : "NO (a bug: please report it)",
                Dl4jRuntime.describe(), loadBefore, loadAfter));
        return new ReportSection("Real early exit, measured", md.toString(), Map.of());
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
