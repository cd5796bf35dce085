package org.eennrc.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.core.LossMatrixBuilder;
import org.eennrc.core.Registry;
import org.eennrc.core.Risk;
import org.eennrc.core.Risks;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.EarlyExitPredictor;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.SpeedTest;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.controllers.EmpiricalRiskController;

/**
 * Inference benchmark of a trained ResNet on the Fashion-MNIST test set: throughput at a batch size (default 128)
 * and batch-1 latency, for the plain full model (every stage, last head only) and for real early exit, both through
 * the model's {@link EarlyExitPredictor} (method.md §1). The question it answers: does real early exit deliver the
 * speedup that the multiply-add counts ({@code cumulativeCost()}, {@code fullModelCost()}, method.md §5) predict?
 *
 * <p>The threshold is {@code --lambda X} (max-softmax confidence), or {@code --policy FILE} (a saved eenn-core
 * {@link ExitPolicy}), or by default the check: the test set is split in two seeded halves; CRC with the
 * prediction-consistency risk (or {@code --risk NAME}, e.g. {@code prediction-gap}) at {@code --epsilon} (0.05) on the
 * calibration half picks λ̂; both runs are timed on
 * the other half and the wall-clock speedup is compared with the one the multiply-add counts predict. Real early
 * exit must give the simulated exit's decisions sample by sample; the run says whether it did.
 *
 * <p>{@code --fold} runs the model with batch norm folded into the convolutions
 * ({@link ComputationGraphModel#withFoldedBatchNorm()}): the exported outputs (and so the calibration), the full model
 * and real early exit all run the folded graphs, as a deployment would.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java $JOPTS -cp $CP org.eennrc.bench.InferBench --model runs/fmnist-resnet
 *   [--data-dir DIR] [--batch 128] [--lambda X | --policy FILE | --epsilon 0.05] [--latency-samples 500]
 *   [--repeats 3] [--seed 1] [--fold] [--risk prediction-consistency]
 * </pre>
 */
public final class InferBench {
    private static final Set<String> OPTIONS = Set.of("model", "data-dir", "batch", "lambda", "policy", "epsilon",
            "latency-samples", "repeats", "seed", "fold", "risk");

    private InferBench() {
    }

    public static void main(String[] argv) throws Exception {
        Dl4jRuntime.configureProcess();
        Args a = new Args(argv, OPTIONS);
        Dl4jRuntime.init();
        long t0 = System.nanoTime();
        Path modelPath = Path.of(a.get("model", "runs/fmnist-resnet"));
        int batch = a.getInt("batch", 128);
        int latencyN = a.getInt("latency-samples", 500);
        int repeats = a.getInt("repeats", 3);
        if (batch < 1 || latencyN < 0 || repeats < 1) {
            throw new IllegalArgumentException("--batch and --repeats must be >= 1 and --latency-samples >= 0");
        }
        ModelIO.TrainedModel m = ModelIO.load(modelPath);
        FashionMnist data = FashionMnist.load(a.has("data-dir") ? Path.of(a.get("data-dir", "")) : null);
        ImageSet test = data.test();
        System.out.println("[infer] " + Dl4jRuntime.describe());
        System.out.println("[infer] " + m.config());
        ComputationGraphModel model = MultiExitResNet.earlyExitModel(m.config(), m.graph());
        if (a.flag("fold")) {
            model = model.withFoldedBatchNorm();
        }
        System.out.println("[infer] batch norm folded into the convolutions: " + model.foldsBatchNorm()
                + " (batch-norm layers left: " + model.unfoldedBatchNorms().size() + ")");
        double[] cum = model.cumulativeCost();
        double fullCost = model.fullModelCost();
        int exits = model.numExits();

        // 1. all exits at once (what export does): accuracy per exit
        long e0 = System.nanoTime();
        ExitOutputs outputs = model.outputs(test.iterator(500));
        double exportSecs = (System.nanoTime() - e0) / 1e9;
        System.out.printf(Locale.ROOT, "[infer] export (all %d exits, batch 500): %.0f img/s; test accuracy per exit: %s%n",
                exits, test.size() / exportSecs, fmt(outputs.accuracyPerExit()));

        // 2. the threshold
        ExitPolicy policy;
        ImageSet evalSet = test;
        ExitOutputs evalOutputs = outputs;
        if (a.has("lambda")) {
            policy = Policies.uncertified(ConfidenceMeasures.MAX_SOFTMAX, a.getDouble("lambda", 1.0), exits);
        } else if (a.has("policy")) {
            policy = ExitPolicy.load(Path.of(a.get("policy", "")));
            if (policy.numExits() != exits) {
                throw new IllegalArgumentException("the policy was calibrated for " + policy.numExits()
                        + " exits but the model has " + exits);
            }
        } else {
            double eps = a.getDouble("epsilon", 0.05);
            ConfidenceMeasure measure = ConfidenceMeasures.MAX_SOFTMAX;
            int[] perm = FashionMnist.permutation(test.size(), a.getInt("seed", 1));
            int half = test.size() / 2;
            int[] cal = Arrays.copyOfRange(perm, 0, half);
            int[] rest = Arrays.copyOfRange(perm, half, perm.length);
            Arrays.sort(cal);
            Arrays.sort(rest);
            LambdaGrid grid = LambdaGrid.standard();
            LossMatrixBuilder lb = new LossMatrixBuilder(outputs.subset(cal), measure, grid);
            Risk risk = a.has("risk") ? Registry.current().risk(a.get("risk", "")) : Risks.PREDICTION_CONSISTENCY;
            CalibrationResult r = EmpiricalRiskController.crc().calibrate(lb.build(risk), eps, 0.1);
            policy = ExitPolicy.from(measure.name(), grid, r, risk.name(), exits, Double.NaN);
            System.out.printf(Locale.ROOT, "[infer] CRC, %s, eps=%.3f on %d calibration images: "
                    + "lambda=%.2f (%s, calibration risk %.4f)%n", risk.name(), eps, cal.length, policy.lambda(),
                    r.status(), r.calibrationRisk());
            evalSet = test.subset(rest);
            evalOutputs = outputs.subset(rest);
        }
        double lambda = policy.lambda();
        ExitResult sim = policy.apply(evalOutputs);
        double meanMacs = sim.meanCost(cum);
        double predicted = fullCost / meanMacs;
        System.out.printf(Locale.ROOT, "[infer] lambda=%.2f (%s) on %d images: exit histogram %s, mean exit %.3f, "
                        + "mean MACs %.3f M vs full model %.3f M -> FLOPs-predicted speedup %.3fx%n", lambda,
                policy.confidence(), evalSet.size(), Arrays.toString(sim.exitHistogram()), sim.meanExitLayer(),
                meanMacs / 1e6, fullCost / 1e6, predicted);

        EarlyExitPredictor predictor = model.predictor();
        // warm-up: every batch shape of both paths (oneDNN builds primitives per shape)
        ImageSet few = evalSet.range(0, Math.min(50, evalSet.size()));
        predictor.fullModel(evalSet.iterator(batch));
        predictor.predict(evalSet.iterator(batch), policy);
        predictor.fullModel(few.iterator(1));
        predictor.predict(few.iterator(1), policy);

        // 3. throughput at `batch`, best of `repeats`, alternating the two to share the machine's noise
        double bestFull = Double.MAX_VALUE;
        double bestEe = Double.MAX_VALUE;
        ExitResult ee = null;
        ExitResult full = null;
        double[] fullT = new double[repeats];
        double[] eeT = new double[repeats];
        double[] fullCpu = new double[repeats];
        double[] eeCpu = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long c0 = Rss.processCpuNanos();
            full = predictor.fullModel(evalSet.iterator(batch));
            long c1 = Rss.processCpuNanos();
            ee = predictor.predict(evalSet.iterator(batch), policy);
            long c2 = Rss.processCpuNanos();
            fullCpu[r] = (c1 - c0) / 1e9;
            eeCpu[r] = (c2 - c1) / 1e9;
            fullT[r] = full.seconds();
            eeT[r] = ee.seconds();
            bestFull = Math.min(bestFull, full.seconds());
            bestEe = Math.min(bestEe, ee.seconds());
        }
        boolean same = ee.sameDecisions(sim);
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
        System.out.printf(Locale.ROOT, "[infer] RESULT fold=%b batch=%d lambda=%.2f full_img_s=%.0f ee_img_s=%.0f "
                        + "measured_speedup=%.3f flops_speedup=%.3f ratio=%.3f%n", model.foldsBatchNorm(), batch, lambda,
                evalSet.size() / bestFull, evalSet.size() / bestEe, measured, predicted, measured / predicted);

        // 4. batch-1 latency
        if (latencyN > 0) {
            ImageSet lat = evalSet.range(0, Math.min(latencyN, evalSet.size()));
            SpeedTest.Inputs in = SpeedTest.inputs(lat);
            SpeedTest.Timing f = SpeedTest.latency(predictor, null, in, lat.size());
            SpeedTest.Timing e = SpeedTest.latency(predictor, policy, in, lat.size());
            System.out.printf(Locale.ROOT, "[infer] RESULT batch=1 n=%d full: median %.2f ms p90 %.2f ms mean %.2f ms "
                            + "(%.0f img/s); early exit: median %.2f ms p90 %.2f ms mean %.2f ms (%.0f img/s)%n", lat.size(),
                    f.medianMs(), f.p90Ms(), f.meanMs(), f.imagesPerSecond(), e.medianMs(), e.p90Ms(), e.meanMs(),
                    e.imagesPerSecond());
        }
        System.out.printf(Locale.ROOT, "[infer] peak_rss_mib=%.0f wall_s=%.1f%n", Rss.peakMiB(), (System.nanoTime() - t0) / 1e9);
    }

    static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v[i]));
        }
        return sb.append(']').toString();
    }
}
