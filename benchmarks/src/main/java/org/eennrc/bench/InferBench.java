package org.eennrc.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.LossMatrixBuilder;
import org.eennrc.core.Risks;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.EarlyExitRunner;
import org.eennrc.models.Exporter;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.controllers.EmpiricalRiskController;

/**
 * Inference benchmark of a trained model on the Fashion-MNIST test set: throughput at a batch size (default 128)
 * and batch-1 latency, for the plain full model (trunk + last head) and for real early exit.
 *
 * <p>The threshold is {@code --lambda X}, or {@code --policy FILE} (a saved eenn-core {@link ExitPolicy}), or by
 * default the check: the test set is split in two seeded halves; CRC with the prediction-consistency risk
 * at {@code --epsilon} (0.05) on the calibration half picks λ̂; both runs are timed on the other half and the
 * wall-clock speedup is compared with the one the multiply-add counts predict.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java -Xmx1g -Dorg.bytedeco.javacpp.maxbytes=1500m \
 *   -Dorg.bytedeco.javacpp.maxphysicalbytes=2500m -Dorg.eclipse.deeplearning4j.helpers.disable=false -cp ... \
 *   org.eennrc.models.bench.InferBench --model runs/fmnist-resnet [--data-dir DIR] [--batch 128]
 *   [--lambda X | --policy FILE | --epsilon 0.05] [--latency-samples 500] [--repeats 3] [--seed 1] [--fold]
 * </pre>
 */
public final class InferBench {
    private InferBench() {
    }

    public static void main(String[] argv) throws Exception {
        Dl4jRuntime.init();
        long t0 = System.nanoTime();
        Args a = new Args(argv);
        Path modelPath = Path.of(a.get("model", "runs/fmnist-resnet"));
        int batch = a.getInt("batch", 128);
        int latencyN = a.getInt("latency-samples", 500);
        int repeats = a.getInt("repeats", 3);
        ModelIO.TrainedModel m = ModelIO.load(modelPath);
        FashionMnist data = FashionMnist.load(a.has("data-dir") ? Path.of(a.get("data-dir", "")) : null);
        ImageSet test = data.test();
        System.out.println("[infer] " + Dl4jRuntime.describe());
        System.out.println("[infer] " + m.config());
        MultiExitResNet.Flops flops = MultiExitResNet.flops(m.config());
        double[] cum = flops.cumulativePerExit();
        int exits = m.config().numExits();

        // 1. all exits at once (what export does): accuracy per exit
        long e0 = System.nanoTime();
        boolean fold = a.flag("fold");
        System.out.println("[infer] batch norm folded into the convolutions: " + fold);
        ExitOutputs outputs = Exporter.outputs(m.config(), m.graph(), test, 500, fold);
        double exportSecs = (System.nanoTime() - e0) / 1e9;
        System.out.printf(Locale.ROOT, "[infer] export (all %d exits, batch 500): %.0f img/s; test accuracy per exit: %s%n",
                exits, test.size() / exportSecs, fmt(accuracy(outputs)));

        // 2. the threshold
        ConfidenceMeasure measure = ConfidenceMeasures.MAX_SOFTMAX;
        double lambda;
        ImageSet evalSet = test;
        ExitOutputs evalOutputs = outputs;
        if (a.has("lambda")) {
            lambda = a.getDouble("lambda", 1.0);
        } else if (a.has("policy")) {
            ExitPolicy p = ExitPolicy.load(Path.of(a.get("policy", "")));
            lambda = p.lambda();
            measure = ConfidenceMeasures.byName(p.confidence());
        } else {
            double eps = a.getDouble("epsilon", 0.05);
            int[] perm = FashionMnist.permutation(test.size(), a.getInt("seed", 1));
            int half = test.size() / 2;
            int[] cal = Arrays.copyOfRange(perm, 0, half);
            int[] rest = Arrays.copyOfRange(perm, half, perm.length);
            Arrays.sort(cal);
            Arrays.sort(rest);
            LambdaGrid grid = LambdaGrid.standard();
            LossMatrixBuilder lb = new LossMatrixBuilder(outputs.subset(cal), measure, grid);
            CalibrationResult r = EmpiricalRiskController.crc().calibrate(lb.build(Risks.PREDICTION_CONSISTENCY), eps, 0.1);
            lambda = r.lambda(grid);
            System.out.printf(Locale.ROOT, "[infer] CRC, prediction consistency, eps=%.3f on %d calibration images: "
                    + "lambda=%.2f (%s, calibration risk %.4f)%n", eps, cal.length, lambda, r.status(), r.calibrationRisk());
            evalSet = test.subset(rest);
            evalOutputs = outputs.subset(rest);
        }
        EarlyExitRunner.Result sim = EarlyExitRunner.simulate(evalOutputs, lambda, measure);
        double meanMacs = 0;
        for (int e : sim.exits()) {
            meanMacs += cum[e];
        }
        meanMacs /= sim.exits().length;
        double predicted = flops.fullModel() / meanMacs;
        System.out.printf(Locale.ROOT, "[infer] lambda=%.2f (%s) on %d images: exit histogram %s, mean exit %.3f, "
                        + "mean MACs %.3f M vs full model %.3f M -> FLOPs-predicted speedup %.3fx%n", lambda,
                measure.name(), evalSet.size(), Arrays.toString(sim.exitHistogram()), sim.meanExitLayer(),
                meanMacs / 1e6, flops.fullModel() / 1e6, predicted);

        EarlyExitRunner runner = new EarlyExitRunner(m.config(), m.graph(), fold);
        // warm-up: every batch shape of both paths (oneDNN builds primitives per shape)
        runner.runFullModel(evalSet, batch);
        runner.run(evalSet, lambda, measure, batch);
        runner.runFullModel(evalSet.range(0, Math.min(50, evalSet.size())), 1);
        runner.run(evalSet.range(0, Math.min(50, evalSet.size())), lambda, measure, 1);

        // 3. throughput at `batch`, best of `repeats`, alternating the two to share the machine's noise
        double bestFull = Double.MAX_VALUE;
        double bestEe = Double.MAX_VALUE;
        EarlyExitRunner.Result ee = null;
        EarlyExitRunner.Result full = null;
        double[] fullT = new double[repeats];
        double[] eeT = new double[repeats];
        double[] fullCpu = new double[repeats];
        double[] eeCpu = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long c0 = Rss.processCpuNanos();
            full = runner.runFullModel(evalSet, batch);
            long c1 = Rss.processCpuNanos();
            ee = runner.run(evalSet, lambda, measure, batch);
            long c2 = Rss.processCpuNanos();
            fullCpu[r] = (c1 - c0) / 1e9;
            eeCpu[r] = (c2 - c1) / 1e9;
            fullT[r] = full.seconds();
            eeT[r] = ee.seconds();
            bestFull = Math.min(bestFull, full.seconds());
            bestEe = Math.min(bestEe, ee.seconds());
        }
        boolean same = Arrays.equals(ee.exits(), sim.exits()) && Arrays.equals(ee.predictions(), sim.predictions());
        int[] y = evalSet.labels();
        System.out.printf(Locale.ROOT, "[infer] batch %d: full model %.0f img/s (runs %s s), accuracy %.4f%n", batch,
                evalSet.size() / bestFull, fmt(fullT), full.accuracy(y));
        System.out.printf(Locale.ROOT, "[infer] batch %d: early exit %.0f img/s (runs %s s), accuracy %.4f, "
                        + "equals simulated exit: %b%n", batch, evalSet.size() / bestEe, fmt(eeT), ee.accuracy(y), same);
        double measured = bestFull / bestEe;
        double cpuSpeedup = Arrays.stream(fullCpu).min().orElse(Double.NaN) / Arrays.stream(eeCpu).min().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "[infer] process CPU seconds per pass: full %s, early exit %s -> CPU-time speedup %.3f "
                + "(ratio to FLOPs %.3f; less sensitive to other processes than wall time)%n", fmt(fullCpu), fmt(eeCpu),
                cpuSpeedup, cpuSpeedup / predicted);
        System.out.printf(Locale.ROOT, "[infer] RESULT batch=%d lambda=%.2f full_img_s=%.0f ee_img_s=%.0f "
                        + "measured_speedup=%.3f flops_speedup=%.3f ratio=%.3f%n", batch, lambda, evalSet.size() / bestFull,
                evalSet.size() / bestEe, measured, predicted, measured / predicted);

        // 4. batch-1 latency
        ImageSet lat = evalSet.range(0, Math.min(latencyN, evalSet.size()));
        double[] fl = latencies(runner, lat, lambda, measure, true);
        double[] el = latencies(runner, lat, lambda, measure, false);
        System.out.printf(Locale.ROOT, "[infer] RESULT batch=1 n=%d full: median %.2f ms p90 %.2f ms mean %.2f ms (%.0f img/s); "
                        + "early exit: median %.2f ms p90 %.2f ms mean %.2f ms (%.0f img/s)%n", lat.size(),
                pct(fl, 0.5), pct(fl, 0.9), mean(fl), 1000 / mean(fl), pct(el, 0.5), pct(el, 0.9), mean(el), 1000 / mean(el));
        System.out.printf(Locale.ROOT, "[infer] peak_rss_mib=%.0f wall_s=%.1f%n", Rss.peakMiB(), (System.nanoTime() - t0) / 1e9);
    }

    private static double[] accuracy(ExitOutputs o) {
        double[] acc = new double[o.numExits()];
        for (int i = 0; i < o.numSamples(); i++) {
            for (int l = 0; l < o.numExits(); l++) {
                if (o.prediction(i, l) == o.label(i)) {
                    acc[l]++;
                }
            }
        }
        for (int l = 0; l < acc.length; l++) {
            acc[l] /= o.numSamples();
        }
        return acc;
    }

    private static double[] latencies(EarlyExitRunner runner, ImageSet lat, double lambda, ConfidenceMeasure m, boolean full) {
        double[] ms = new double[lat.size()];
        for (int i = 0; i < lat.size(); i++) {
            ImageSet one = lat.range(i, i + 1);
            EarlyExitRunner.Result r = full ? runner.runFullModel(one, 1) : runner.run(one, lambda, m, 1);
            ms[i] = r.seconds() * 1000;
        }
        return ms;
    }

    private static double pct(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(q * s.length))];
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static String fmt(double[] v) {
        if (v == null) {
            return "-";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v[i]));
        }
        return sb.append(']').toString();
    }
}
