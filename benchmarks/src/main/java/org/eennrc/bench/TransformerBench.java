package org.eennrc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.Efficiency;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.core.LossMatrixBuilder;
import org.eennrc.core.Risk;
import org.eennrc.core.Risks;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.EarlyExitPredictor;
import org.eennrc.models.Exporter;
import org.eennrc.models.StagedModel;
import org.eennrc.models.text.BagOfWords;
import org.eennrc.models.text.EncodedTexts;
import org.eennrc.models.text.TextPipeline;
import org.eennrc.models.text.TextTrainer;
import org.eennrc.models.text.TextTransformer;
import org.eennrc.models.text.TransformerConfig;
import org.eennrc.models.text.WordNetGlosses;
import org.eennrc.models.text.WordPieceTokenizer;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.protocol.EfficiencyTable;
import org.eennrc.risk.protocol.Protocol;
import org.eennrc.risk.protocol.ProgressListener;
import org.eennrc.risk.protocol.ProtocolRow;
import org.eennrc.risk.protocol.ProtocolSettings;

/**
 * Trains the default transformer on WordNet supersenses and reports everything issue 5 asks for: tokenizer,
 * bag-of-words baseline, per-exit test accuracy, training texts/s, wall time, peak RSS; exports the test outputs;
 * runs risk control (4 risks × crc, ucb-wsr, ltt-fst, ε 0.01..0.19, δ 0.1, n_cal = half the test set and 1000,
 * 50 trials); and measures the real early-exit speed-up at the CRC threshold for ε = 0.05 (prediction
 * consistency) against the FLOPs-predicted one: real early exit and the full model through the
 * {@link EarlyExitPredictor} of {@link TextTrainer.Trained#earlyExitModel()}, the prediction from its
 * {@code cumulativeCost()} and {@code fullModelCost()} (method.md §5). An end-to-end run, so a bench command rather
 * than a JMH benchmark.
 *
 * <pre>
 * java -Xmx3g -Dorg.bytedeco.javacpp.maxbytes=3g -Dorg.bytedeco.javacpp.maxphysicalbytes=4g \
 *      -Dorg.eclipse.deeplearning4j.helpers.disable=false -cp $CP org.eennrc.bench.TransformerBench \
 *      [--data-dir DIR] [--out runs/wordnet-transformer] [--epochs 3] [--batch 128] [--lr 3e-3] [--vocab 4000]
 *      [--max-length 32] [--d-model 64] [--heads 4] [--ff 128] [--blocks 6] [--pooling mean|cls]
 *      [--weight-decay 0] [--exit-weights 1,1,1,1,1,1] [--exit-training joint|detached]
 *      [--dropout 0] [--seed 42] [--max-train N] [--stop-after N]
 *      [--resume] [--skip-train] [--trials 50] [--speedup-eps 0.05,0.01] [--speedup-only] [--quick]
 * </pre>
 * {@code --quick} (for trying settings) skips the bag-of-words baseline and stops after the per-exit test accuracy.
 * {@code --skip-train} evaluates the model already in {@code --out}; {@code --speedup-only} then runs only the
 * speed-up measurement (CRC, prediction consistency, at each ε of {@code --speedup-eps}).
 */
public final class TransformerBench {
    private static final Set<String> OPTIONS = Set.of("data-dir", "out", "epochs", "batch", "lr", "vocab",
            "max-length", "d-model", "heads", "ff", "blocks", "pooling", "weight-decay", "exit-weights",
            "exit-training", "dropout", "seed", "max-train", "stop-after", "resume", "skip-train", "trials",
            "speedup-eps", "speedup-only", "quick");

    private TransformerBench() {
    }

    public static void main(String[] argv) throws IOException {
        Dl4jRuntime.configureProcess();
        Args a = new Args(argv, OPTIONS);
        Dl4jRuntime.init();
        long t0 = System.nanoTime();
        Path out = Path.of(a.get("out", "runs/wordnet-transformer"));
        Path dataDir = a.has("data-dir") ? Path.of(a.get("data-dir", null)) : null;
        TransformerConfig model = new TransformerConfig(a.getInt("vocab", TransformerConfig.DEFAULT_VOCAB),
                a.getInt("max-length", TransformerConfig.DEFAULT_MAX_LENGTH), a.getInt("d-model", 64),
                a.getInt("heads", 4), a.getInt("ff", 128), a.getInt("blocks", 6), WordNetGlosses.NUM_CLASSES,
                a.getInt("seed", 42),
                a.getEnum("pooling", TransformerConfig.Pooling.class, TransformerConfig.Pooling.MEAN));
        TrainConfig.Builder tb = TrainConfig.builder();
        if (a.has("exit-weights")) {
            tb.exitWeights(a.getDoubles("exit-weights", null));
        }
        TrainConfig cfg = tb
                .epochs(a.getInt("epochs", 3))
                .batchSize(a.getInt("batch", 128))
                .learningRate(a.getDouble("lr", 3e-3))
                .warmupFraction(0.03)
                .weightDecay(a.getDouble("weight-decay", 0))
                .dropout(a.getDouble("dropout", 0))
                .exitTraining(a.getEnum("exit-training", TrainConfig.ExitTraining.class, TrainConfig.ExitTraining.JOINT))
                .seed(a.getInt("seed", 42))
                .maxTrainImages(a.getInt("max-train", 0))
                .evalBatchSize(256)
                .build();
        int trials = a.getInt("trials", 50);
        boolean resume = a.flag("resume");
        boolean skipTrain = a.flag("skip-train");
        boolean speedupOnly = a.flag("speedup-only");
        Files.createDirectories(out);
        System.out.println("[bench] " + Dl4jRuntime.describe());

        // ---------------------------------------------------------------- data and tokenizer
        Path vocab = out.resolve(TextTrainer.VOCAB_FILE);
        boolean reuseVocab = (resume || skipTrain || speedupOnly)
                && Files.isRegularFile(vocab);
        TextPipeline.Data d = TextPipeline.prepare(dataDir, reuseVocab ? WordPieceTokenizer.load(vocab) : null,
                model.vocabSize(), model.maxLength(), WordNetGlosses.DEFAULT_SPLIT_SEED);
        WordPieceTokenizer tok = d.tokenizer();
        model = model.withVocabSize(tok.vocabSize());
        List<WordNetGlosses.Gloss> testGlosses = WordNetGlosses.loadSplits(dataDir, WordNetGlosses.DEFAULT_SPLIT_SEED).test();
        System.out.printf(Locale.ROOT, "[bench] data: train %d, validation %d, test %d glosses; tokenizer: %d entries "
                        + "(learned in %.1f s), max length %d, truncated test texts %.1f%%, mean test length %.1f%n",
                d.train().size(), d.validation().size(), d.test().size(), tok.vocabSize(), d.tokenizerSeconds(),
                tok.maxLength(), 100 * TextPipeline.truncatedFraction(tok, WordNetGlosses.texts(testGlosses)),
                Arrays.stream(d.test().ids()).mapToInt(WordPieceTokenizer::length).average().orElse(0));
        int[] classCounts = new int[WordNetGlosses.NUM_CLASSES];
        for (int y : d.test().labels()) {
            classCounts[y]++;
        }
        double majority = Arrays.stream(classCounts).max().orElse(0) / (double) d.test().size();

        double[] speedupEps = a.getDoubles("speedup-eps", new double[] {0.05, 0.01});
        if (speedupOnly) {
            StagedModel sm = TextTrainer.load(out).earlyExitModel();
            ExitOutputs so = sm.outputs(d.test().iterator(256));
            for (double e : speedupEps) {
                speedup(sm, d.test(), so, ControllerRegistry.create().get("crc"), LambdaGrid.standard(),
                        ConfidenceMeasures.MAX_SOFTMAX, e, out);
            }
            return;
        }

        // ---------------------------------------------------------------- bag-of-words baseline
        boolean quick = a.flag("quick");
        long b0 = System.nanoTime();
        BagOfWords.Fit bow = quick ? null : TextPipeline.baseline(d, 15, 1);
        double bowTest = quick ? Double.NaN : bow.model().accuracy(d.test());
        if (!quick) {
            System.out.print(bow.log());
            System.out.printf(Locale.ROOT, "[bench] BASELINE bag-of-words logistic regression: l2=%g epochs=%d "
                        + "val_acc=%.4f test_acc=%.4f (%.1f s); majority class test_acc=%.4f%n", bow.l2(), bow.epochs(),
                    bow.validationAccuracy(), bowTest, (System.nanoTime() - b0) / 1e9, majority);
        }

        // ---------------------------------------------------------------- training
        double[] macs = TextTransformer.earlyExitModel(model, TextTransformer.initialParameters(model)).cumulativeCost();
        System.out.printf(Locale.ROOT, "[bench] %s; cumulative MACs per exit (M): %s%n", model,
                Arrays.toString(Arrays.stream(macs).map(f -> Math.round(f / 1e4) / 1e2).toArray()));
        TextTrainer.Trained trained;
        double trainWall = 0;
        double textsPerSecond = 0;
        if (skipTrain) {
            trained = TextTrainer.load(out);
        } else {
            long tr0 = System.nanoTime();
            TextTrainer.Result r = TextTrainer.train(model, cfg, tok, d.train(), d.validation(), out, resume,
                    a.getInt("stop-after", 0), null);
            trainWall = (System.nanoTime() - tr0) / 1e9;
            textsPerSecond = r.trainTextsPerSecond();
            if (!r.finished()) {
                System.out.println("[bench] stopped after epoch " + r.completedEpochs() + "; resume with --resume");
                return;
            }
            trained = TextTrainer.load(out);
        }
        StagedModel m = trained.earlyExitModel();

        // ---------------------------------------------------------------- export and per-exit accuracy
        long e0 = System.nanoTime();
        ExitOutputs test = m.outputs(d.test().iterator(256));
        double exportSecs = (System.nanoTime() - e0) / 1e9;
        Path npz = out.resolve("test-outputs.npz");
        Exporter.write(test, npz);
        double[] acc = test.accuracyPerExit();
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < acc.length; l++) {
            sb.append(String.format(Locale.ROOT, " exit%d=%.4f", l + 1, acc[l]));
        }
        System.out.printf(Locale.ROOT, "[bench] RESULT train_texts_per_s=%.1f train_wall_s=%.1f test_acc:%s "
                        + "bow_test_acc=%.4f export_s=%.1f (%.0f texts/s, all exits) npz=%s peak_rss_mib=%.0f%n",
                textsPerSecond, trainWall, sb, bowTest, exportSecs, test.numSamples() / exportSecs, npz, Rss.peakMiB());
        if (quick) {
            return;
        }

        // ---------------------------------------------------------------- risk control protocol
        ControllerRegistry registry = ControllerRegistry.create();
        List<RiskController> controllers = registry.getAll(List.of("crc", "ucb-wsr", "ltt-fst"));
        LambdaGrid grid = LambdaGrid.standard();
        ConfidenceMeasure measure = ConfidenceMeasures.MAX_SOFTMAX;
        LossMatrixBuilder builder = new LossMatrixBuilder(test, measure, grid);
        Efficiency eff = builder.efficiency();
        EfficiencyTable effTable = EfficiencyTable.perSample(eff.computeMatrix());
        double[] eps = ProtocolSettings.parseGrid("0.01:0.19:0.01");
        List<String> csv = new ArrayList<>();
        csv.add("risk,n_cal,controller,epsilon,delta,trials,mean_risk,sd_risk,violation_rate,mean_macs,relative_saving,"
                + "mean_index,infeasible_rate");
        int[] nCals = {test.numSamples() / 2, 1000};
        for (Risk risk : List.of(Risks.PREDICTION_GAP, Risks.BRIER_GAP, Risks.PREDICTION_CONSISTENCY,
                Risks.BRIER_CONSISTENCY)) {
            LossMatrix lm = builder.build(risk);
            for (int nCal : nCals) {
                List<ProtocolRow> rows = Protocol.run(lm, effTable, controllers,
                        new ProtocolSettings(eps, 0.1, nCal, trials, 42), ProgressListener.NONE);
                for (ProtocolRow r : rows) {
                    csv.add(String.format(Locale.ROOT, "%s,%d,%s,%.2f,%.2f,%d,%.6f,%.6f,%.4f,%.1f,%.6f,%.2f,%.4f",
                            risk.name(), nCal, r.controller(), r.epsilon(), r.delta(), r.trials(), r.meanRisk(),
                            r.sdRisk(), r.violationRate(), r.meanEfficiency(), r.relativeSaving(), r.meanIndex(),
                            r.infeasibleRate()));
                    if (isReported(r.epsilon())) {
                        System.out.printf(Locale.ROOT, "[bench] PROTOCOL %-22s n_cal=%4d %-8s eps=%.2f test_risk=%.4f "
                                        + "(sd %.4f) violations=%.2f saving=%.3f%n", risk.name(), nCal, r.controller(),
                                r.epsilon(), r.meanRisk(), r.sdRisk(), r.violationRate(), r.relativeSaving());
                    }
                }
            }
        }
        Files.write(out.resolve("protocol.csv"), csv);

        // ---------------------------------------------------------------- real early-exit speed-up
        for (double e : speedupEps) {
            speedup(m, d.test(), test, registry.get("crc"), grid, measure, e, out);
        }
        System.out.printf(Locale.ROOT, "[bench] total_wall_s=%.1f peak_rss_mib=%.0f%n", (System.nanoTime() - t0) / 1e9,
                Rss.peakMiB());
    }

    private static boolean isReported(double eps) {
        for (double e : new double[] {0.01, 0.02, 0.05, 0.1, 0.15}) {
            if (Math.abs(e - eps) < 1e-9) {
                return true;
            }
        }
        return false;
    }

    /**
     * CRC at ε = 0.05 for prediction consistency on a calibration half of the test set; real early exit vs the full
     * model on the other half (best of 3 timed runs after a warm-up), at batch 128 and at batch 1 (first 500 texts).
     */
    static void speedup(StagedModel m, EncodedTexts texts, ExitOutputs outputs, RiskController crc, LambdaGrid grid,
                        ConfidenceMeasure measure, double epsilon, Path out) throws IOException {
        speedup(m, texts, outputs, crc, grid, measure, epsilon, out, new int[] {128, 1}, Integer.MAX_VALUE, 500, 3);
    }

    /**
     * As above, at the given batch sizes, on at most {@code maxEval} texts of the evaluation half (at most
     * {@code maxEvalBatch1} at batch 1), best of {@code reps} timed runs.
     */
    static void speedup(StagedModel m, EncodedTexts texts, ExitOutputs outputs, RiskController crc, LambdaGrid grid,
                        ConfidenceMeasure measure, double epsilon, Path out, int[] batches, int maxEval,
                        int maxEvalBatch1, int reps) throws IOException {
        int n = outputs.numSamples();
        int[] cal = Protocol.drawCalibration(n, n / 2, 7, 0);
        boolean[] inCal = new boolean[n];
        for (int i : cal) {
            inCal[i] = true;
        }
        int[] rest = java.util.stream.IntStream.range(0, n).filter(i -> !inCal[i]).toArray();
        LossMatrixBuilder calB = new LossMatrixBuilder(outputs.subset(cal), measure, grid);
        CalibrationResult res = crc.calibrate(calB.build(Risks.PREDICTION_CONSISTENCY), epsilon, 0.1);
        ExitPolicy policy = ExitPolicy.from(measure.name(), grid, res, Risks.PREDICTION_CONSISTENCY.name(),
                m.numExits(), Double.NaN);
        double lambda = policy.lambda();
        ExitOutputs evalOut = outputs.subset(rest);
        ExitResult sim = policy.apply(evalOut, measure);
        double[] cum = m.cumulativeCost();
        double fullCost = m.fullModelCost();
        double predicted = fullCost / sim.meanCost(cum);
        int disagree = 0;
        for (int i = 0; i < rest.length; i++) {
            if (sim.predictions()[i] != evalOut.prediction(i, outputs.numExits() - 1)) {
                disagree++;
            }
        }
        EncodedTexts eval = texts.subset(rest);
        EarlyExitPredictor p = m.predictor();
        StringBuilder lines = new StringBuilder();
        lines.append(String.format(Locale.ROOT, "[bench] SPEEDUP crc eps=%.2f prediction-consistency: lambda=%.2f "
                        + "(%s), eval half n=%d: mean exit %.3f, exit histogram %s, consistency risk %.4f, "
                        + "FLOPs-predicted speedup %.3fx%n", epsilon, lambda, res.status(), rest.length, sim.meanExitLayer(),
                Arrays.toString(sim.exitHistogram()), disagree / (double) rest.length, predicted));
        for (int batch : batches) {
            EncodedTexts e = batch == 1 ? eval.head(maxEvalBatch1) : eval.head(maxEval);
            EncodedTexts warm = e.head(Math.min(e.size(), 2 * batch + 1));
            p.fullModel(warm.iterator(batch)); // warm-up of the shapes
            p.predict(warm.iterator(batch), policy);
            double full = Double.MAX_VALUE;
            double early = Double.MAX_VALUE;
            ExitResult er = null;
            for (int rep = 0; rep < reps; rep++) {
                full = Math.min(full, p.fullModel(e.iterator(batch)).seconds());
                ExitResult r = p.predict(e.iterator(batch), policy);
                early = Math.min(early, r.seconds());
                er = r;
            }
            double predictedE = fullCost / er.meanCost(cum);
            double measured = full / early;
            lines.append(String.format(Locale.ROOT, "[bench] SPEEDUP eps=%.2f batch=%d n=%d: full model %.0f texts/s (%.2f ms/text), "
                            + "early exit %.0f texts/s (%.2f ms/text), measured speedup %.3fx, FLOPs-predicted %.3fx, "
                            + "ratio %.2f%n", epsilon, batch, e.size(), e.size() / full, 1e3 * full / e.size(), e.size() / early,
                    1e3 * early / e.size(), measured, predictedE, measured / predictedE));
        }
        System.out.print(lines);
        Files.writeString(out.resolve("speedup.txt"), lines, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }
}
