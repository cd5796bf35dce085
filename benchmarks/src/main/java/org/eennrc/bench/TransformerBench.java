package org.eennrc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.Efficiency;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.LossMatrixBuilder;
import org.eennrc.core.Risk;
import org.eennrc.core.Risks;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.bench.Args;
import org.eennrc.models.bench.Rss;
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
 * consistency) against the FLOPs-predicted one.
 *
 * <pre>
 * java -Xmx3g -Dorg.bytedeco.javacpp.maxbytes=3g -Dorg.bytedeco.javacpp.maxphysicalbytes=4g \
 *      -Dorg.eclipse.deeplearning4j.helpers.disable=false -cp ... org.eennrc.models.text.TransformerBench \
 *      [--data-dir DIR] [--out runs/wordnet-transformer] [--epochs 3] [--batch 128] [--lr 3e-3] [--vocab 4000]
 *      [--max-length 32] [--d-model 64] [--heads 4] [--ff 128] [--blocks 6] [--pooling mean|cls]
 *      [--weight-decay 0] [--exit-weights 1,1,1,1,1,1] [--exit-training joint|detached]
 *      [--dropout 0] [--seed 42] [--max-train N]
 *      [--resume] [--skip-train] [--trials 50] [--speedup-eps 0.05,0.01] [--speedup-only] [--quick]
 * </pre>
 * {@code --quick} (for trying settings) skips the bag-of-words baseline and stops after the per-exit test accuracy.
 * {@code --skip-train} evaluates the model already in {@code --out}; {@code --speedup-only} then runs only the
 * speed-up measurement (CRC, prediction consistency, at each ε of {@code --speedup-eps}).
 * <pre>
 * </pre>
 */
public final class TransformerBench {
    private TransformerBench() {
    }

    public static void main(String[] argv) throws IOException {
        Dl4jRuntime.init();
        long t0 = System.nanoTime();
        Args a = new Args(argv);
        Path out = Path.of(a.get("out", "runs/wordnet-transformer"));
        Path dataDir = a.has("data-dir") ? Path.of(a.get("data-dir", null)) : null;
        TransformerConfig model = new TransformerConfig(a.getInt("vocab", TransformerConfig.DEFAULT_VOCAB),
                a.getInt("max-length", TransformerConfig.DEFAULT_MAX_LENGTH), a.getInt("d-model", 64),
                a.getInt("heads", 4), a.getInt("ff", 128), a.getInt("blocks", 6), WordNetGlosses.NUM_CLASSES,
                a.getInt("seed", 42),
                TransformerConfig.Pooling.valueOf(a.get("pooling", "mean").toUpperCase(Locale.ROOT)));
        TrainConfig.Builder tb = TrainConfig.builder();
        if (a.has("exit-weights")) {
            tb.exitWeights(Arrays.stream(a.get("exit-weights", null).split(",")).mapToDouble(Double::parseDouble).toArray());
        }
        TrainConfig cfg = tb
                .epochs(a.getInt("epochs", 3))
                .batchSize(a.getInt("batch", 128))
                .learningRate(a.getDouble("lr", 3e-3))
                .warmupFraction(0.03)
                .weightDecay(a.getDouble("weight-decay", 0))
                .dropout(a.getDouble("dropout", 0))
                .exitTraining(TrainConfig.ExitTraining.valueOf(a.get("exit-training", "joint").toUpperCase(Locale.ROOT)))
                .seed(a.getInt("seed", 42))
                .maxTrainImages(a.getInt("max-train", 0))
                .stopAfterEpochs(a.getInt("stop-after", 0))
                .evalBatchSize(256)
                .progressSeconds(30)
                .build();
        int trials = a.getInt("trials", 50);
        boolean resume = a.has("resume");
        Files.createDirectories(out);
        System.out.println("[bench] " + Dl4jRuntime.describe());

        // ---------------------------------------------------------------- data and tokenizer
        Path vocab = out.resolve(TextTrainer.VOCAB_FILE);
        boolean reuseVocab = (resume || a.has("skip-train") || a.has("speedup-only"))
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

        boolean speedupOnly = a.has("speedup-only");
        double[] speedupEps = Arrays.stream(a.get("speedup-eps", "0.05,0.01").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        if (speedupOnly) {
            BlockModel sm = TextTrainer.load(out).blockModel();
            ExitOutputs so = sm.exitOutputs(d.test(), 256);
            for (double e : speedupEps) {
                speedup(sm, d.test(), so, ControllerRegistry.create().get("crc"), LambdaGrid.standard(),
                        ConfidenceMeasures.MAX_SOFTMAX, e, out);
            }
            return;
        }

        // ---------------------------------------------------------------- bag-of-words baseline
        boolean quick = a.has("quick");
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
        System.out.printf(Locale.ROOT, "[bench] %s; cumulative MACs per exit (M): %s%n", model,
                Arrays.toString(Arrays.stream(model.cumulativeMacsPerExit()).map(f -> Math.round(f / 1e4) / 1e2).toArray()));
        TextTrainer.Trained trained;
        double trainWall = 0;
        double textsPerSecond = 0;
        if (a.has("skip-train")) {
            trained = TextTrainer.load(out);
        } else {
            long tr0 = System.nanoTime();
            TextTrainer.Result r = TextTrainer.train(model, cfg, tok, d.train(), d.validation(), out, resume, null);
            trainWall = (System.nanoTime() - tr0) / 1e9;
            textsPerSecond = r.trainTextsPerSecond();
            if (!r.finished()) {
                System.out.println("[bench] stopped after epoch " + r.completedEpochs() + "; resume with --resume");
                return;
            }
            trained = TextTrainer.load(out);
        }
        BlockModel m = trained.blockModel();

        // ---------------------------------------------------------------- export and per-exit accuracy
        long e0 = System.nanoTime();
        ExitOutputs test = m.exitOutputs(d.test(), 256);
        double exportSecs = (System.nanoTime() - e0) / 1e9;
        Path npz = out.resolve("test-outputs.npz");
        TextPipeline.write(test, npz);
        double[] acc = new double[model.blocks()];
        for (int l = 0; l < acc.length; l++) {
            int ok = 0;
            for (int i = 0; i < test.numSamples(); i++) {
                if (test.prediction(i, l) == test.label(i)) {
                    ok++;
                }
            }
            acc[l] = ok / (double) test.numSamples();
        }
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
    static void speedup(BlockModel m, EncodedTexts texts, ExitOutputs outputs, RiskController crc, LambdaGrid grid,
                        ConfidenceMeasure measure, double epsilon, Path out) throws IOException {
        int n = outputs.numSamples();
        int[] cal = Protocol.drawCalibration(n, n / 2, 7, 0);
        boolean[] inCal = new boolean[n];
        for (int i : cal) {
            inCal[i] = true;
        }
        int[] rest = java.util.stream.IntStream.range(0, n).filter(i -> !inCal[i]).toArray();
        LossMatrixBuilder calB = new LossMatrixBuilder(outputs.subset(cal), measure, grid);
        CalibrationResult res = crc.calibrate(calB.build(Risks.PREDICTION_CONSISTENCY), epsilon, 0.1);
        double lambda = res.lambda(grid);
        ExitOutputs evalOut = outputs.subset(rest);
        BlockModel.Result sim = BlockModel.simulate(evalOut, lambda, measure);
        double[] cum = outputs.flops();
        double meanMacs = Arrays.stream(sim.exits()).mapToDouble(e -> cum[e]).average().orElse(0);
        double predicted = cum[cum.length - 1] / meanMacs;
        int disagree = 0;
        for (int i = 0; i < rest.length; i++) {
            if (sim.predictions()[i] != evalOut.prediction(i, outputs.numExits() - 1)) {
                disagree++;
            }
        }
        EncodedTexts eval = texts.subset(rest);
        StringBuilder lines = new StringBuilder();
        lines.append(String.format(Locale.ROOT, "[bench] SPEEDUP crc eps=%.2f prediction-consistency: lambda=%.2f "
                        + "(%s), eval half n=%d: mean exit %.3f, exit histogram %s, consistency risk %.4f, "
                        + "FLOPs-predicted speedup %.3fx%n", epsilon, lambda, res.status(), rest.length, sim.meanExitLayer(),
                Arrays.toString(sim.exitHistogram()), disagree / (double) rest.length, predicted));
        for (int batch : new int[] {128, 1}) {
            EncodedTexts e = batch == 1 ? eval.head(500) : eval;
            m.fullModel(e.head(Math.min(e.size(), 2 * batch + 1)), batch); // warm-up of the shapes
            m.earlyExit(e.head(Math.min(e.size(), 2 * batch + 1)), lambda, measure, batch);
            double full = Double.MAX_VALUE;
            double early = Double.MAX_VALUE;
            BlockModel.Result er = null;
            for (int rep = 0; rep < 3; rep++) {
                full = Math.min(full, m.fullModel(e, batch).seconds());
                BlockModel.Result r = m.earlyExit(e, lambda, measure, batch);
                early = Math.min(early, r.seconds());
                er = r;
            }
            double[] cumE = cum;
            double predictedE = cumE[cumE.length - 1]
                    / Arrays.stream(er.exits()).mapToDouble(x -> cumE[x]).average().orElse(1);
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
