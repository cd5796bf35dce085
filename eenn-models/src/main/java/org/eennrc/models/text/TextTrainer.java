package org.eennrc.models.text;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.SplittableRandom;

import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.ModelIO;
import org.eennrc.models.train.Permutation;
import org.eennrc.models.train.ProgressListener;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.TrainingHistory;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Joint training of all exits of the {@link TextTransformer}: loss = Σ_b w_b · CE_b (equal weights by default).
 * Reuses the ResNet trainer's {@link TrainConfig} (optimiser, learning-rate schedule, batch, epochs, seed,
 * {@code maxTrainImages} = texts here, {@code stopAfterEpochs}) and {@link ProgressListener} (its "images" are texts).
 *
 * <p>Layout of {@code outDir} (as the ResNet trainer's): {@code checkpoints/epoch-NNNN.sd} (SameDiff with updater
 * state) and {@code checkpoints/epoch-NNNN.properties} every epoch, {@code checkpoints/LAST} written last; at the
 * end {@code model.sd} (no updater state) and {@code model.properties}; the tokenizer's {@code vocab.txt} next to them.
 *
 * <p>The mean training loss of an epoch is the mean, over every k-th batch (k = max(1, iterations per epoch / 50)),
 * of the summed exit losses of that batch just before its update.
 *
 * <p>Reproducibility: parameters come from {@link TextTransformer#initialParameters} (seeded); the order of the
 * training texts in epoch e is a permutation by {@code new Random(seed * 1_000_003 + e)}; nothing else is random
 * (no dropout). Resuming after epoch e continues with the batches an uninterrupted run would use, from the saved
 * parameters, Adam moments and iteration counter (which drives the learning-rate schedule).
 */
public final class TextTrainer {
    public static final String CHECKPOINT_DIR = "checkpoints";
    public static final String LAST = "LAST";
    public static final String MODEL_FILE = "model.sd";
    public static final String VOCAB_FILE = "vocab.txt";

    private TextTrainer() {
    }

    public record Result(TransformerConfig model, TrainConfig train, SameDiff graph,
                         List<ProgressListener.EpochSummary> history, int completedEpochs, boolean finished,
                         double wallSeconds, double trainTextsPerSecond, Path outDir) {
        public Map<String, INDArray> parameters() {
            return TextTransformer.parameters(graph);
        }
    }

    /**
     * Trains the model.
     *
     * @param tokenizer written to {@code outDir/vocab.txt} (may be null)
     * @param validation per-exit accuracy after each epoch (may be empty)
     * @param listener null for printing to stdout
     */
    public static Result train(TransformerConfig model, TrainConfig cfg, WordPieceTokenizer tokenizer,
                               EncodedTexts train, EncodedTexts validation, Path outDir, boolean resume,
                               ProgressListener listener) {
        Dl4jRuntime.init();
        ProgressListener out = listener != null ? listener : printing(System.out);
        long wallStart = System.nanoTime();
        if (cfg.maxTrainImages() > 0 && cfg.maxTrainImages() < train.size()) {
            train = train.sample(cfg.maxTrainImages(), cfg.seed());
        }
        int n = train.size();
        int batch = cfg.batchSize();
        int itersPerEpoch = (n + batch - 1) / batch;
        int totalIters = itersPerEpoch * cfg.epochs();
        Path ckDir = outDir.resolve(CHECKPOINT_DIR);
        SameDiff sd;
        int startEpoch;
        List<ProgressListener.EpochSummary> history = new ArrayList<>();
        try {
            Files.createDirectories(ckDir);
            if (tokenizer != null) {
                tokenizer.save(outDir.resolve(VOCAB_FILE));
            }
            if (resume) {
                Path last = ckDir.resolve(LAST);
                if (!Files.isRegularFile(last)) {
                    throw new IllegalStateException("resume: no checkpoint in " + ckDir + " (no " + LAST + " file)");
                }
                String base = Files.readString(last).trim();
                Properties p = ModelIO.readProperties(ckDir.resolve(base + ".properties"));
                TransformerConfig saved = TransformerConfig.fromProperties(p);
                if (!saved.equals(model)) {
                    throw new IllegalArgumentException("resume: checkpoint model " + saved + " differs from " + model);
                }
                TrainConfig savedTrain = TrainConfig.fromProperties(p);
                if (savedTrain.dropout() != cfg.dropout() || savedTrain.exitTraining() != cfg.exitTraining()) {
                    // both shape the saved graph (its placeholders, its stop-gradients)
                    throw new IllegalArgumentException("resume: the checkpoint was trained with dropout "
                            + savedTrain.dropout() + " and exit training " + savedTrain.exitTraining()
                            + "; this run asks for dropout " + cfg.dropout() + " and " + cfg.exitTraining());
                }
                if (!savedTrain.toProperties().equals(cfg.toProperties())) {
                    out.onStart("[text] resume: training configuration differs from the checkpoint's; the saved "
                            + "updater and learning-rate schedule are kept. checkpoint: " + savedTrain + " now: " + cfg);
                }
                sd = SameDiff.load(ckDir.resolve(base + ".sd").toFile(), true);
                startEpoch = Integer.parseInt(p.getProperty("state.completedEpochs"));
                int iteration = Integer.parseInt(p.getProperty("state.iteration"));
                sd.getTrainingConfig().setIterationCount(iteration);
                sd.getTrainingConfig().setEpochCount(startEpoch);
                history.addAll(readHistory(p, startEpoch));
                out.onStart("[text] resuming from " + ckDir.resolve(base + ".sd") + " after epoch " + startEpoch
                        + " (iteration " + iteration + ")");
            } else {
                sd = TextTransformer.buildTraining(model, TextTransformer.initialParameters(model),
                        cfg.updater(totalIters), cfg);
                startEpoch = 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        createGradientQuietly(sd);
        out.onStart(String.format(Locale.ROOT, "[text] %s%n[text] %s%n[text] %s; train %d, validation %d texts, "
                        + "%d iterations/epoch", Dl4jRuntime.describe(), model, cfg, n, validation.size(), itersPerEpoch));
        // M2.1's fit() reports no loss (History.lossCurve() is null, Loss values are 0: the backward pass never
        // evaluates the loss node), so the loss is computed by a forward pass on every k-th batch before its update.
        int lossEvery = Math.max(1, itersPerEpoch / 50);
        String[] featureNames = TextTransformer.featureNames(model, cfg.dropout() > 0);
        int exits = model.numExits();
        int lastEpoch = cfg.stopAfterEpochs() > 0 ? Math.min(cfg.epochs(), startEpoch + cfg.stopAfterEpochs()) : cfg.epochs();
        double trainSecondsTotal = 0;
        long trainTextsTotal = 0;
        for (int epoch = startEpoch; epoch < lastEpoch; epoch++) {
            int[] order = Permutation.of(n, new Random(cfg.seed() * 1_000_003L + epoch));
            long t0 = System.nanoTime();
            long lastReport = t0;
            double lossSum = 0;
            int lossCount = 0;
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                INDArray[] features = new INDArray[featureNames.length];
                features[0] = train.idsBatch(order, from, to);
                features[1] = train.maskBatch(order, from, to);
                if (cfg.dropout() > 0) {
                    // masks drawn per (seed, epoch, batch), so a resumed run draws what an uninterrupted one would
                    INDArray[] drops = TextTransformer.dropoutMasks(model, to - from, cfg.dropout(),
                            new SplittableRandom((cfg.seed() * 1_000_003L + epoch) * 1_000_033L + from / batch));
                    System.arraycopy(drops, 0, features, 2, drops.length);
                }
                MultiDataSet ds = new MultiDataSet(features, new INDArray[] {train.labelsBatch(order, from, to)});
                if (((from / batch) % lossEvery) == 0) {
                    Map<String, INDArray> feed = new HashMap<>();
                    for (int k = 0; k < features.length; k++) {
                        feed.put(featureNames[k], features[k]);
                    }
                    feed.put(TextTransformer.LABELS, ds.getLabels(0));
                    // with dropout this is the loss of the dropped-out network, the one being trained
                    lossSum += sd.output(feed, TextTransformer.LOSS).get(TextTransformer.LOSS).getDouble(0);
                    lossCount++;
                }
                sd.fit(ds);
                long now = System.nanoTime();
                if ((now - lastReport) / 1e9 >= cfg.progressSeconds() || to == n) {
                    double secs = (now - t0) / 1e9;
                    double tps = to / secs;
                    double remaining = (n - to) + (double) (lastEpoch - epoch - 1) * n;
                    int it = sd.getTrainingConfig().getIterationCount();
                    out.onProgress(new ProgressListener.Progress(epoch + 1, cfg.epochs(), it, to, n, tps,
                            remaining / tps, lossSum / lossCount, cfg.learningRateAt(it, totalIters)));
                    lastReport = now;
                }
            }
            double trainSecs = (System.nanoTime() - t0) / 1e9;
            trainSecondsTotal += trainSecs;
            trainTextsTotal += n;
            long v0 = System.nanoTime();
            double[] valAcc = validation.size() == 0 ? new double[exits]
                    : TextTransformer.earlyExitModel(model, TextTransformer.parameters(sd))
                            .outputs(validation.iterator(cfg.evalBatchSize())).accuracyPerExit();
            double valSecs = (System.nanoTime() - v0) / 1e9;
            ProgressListener.EpochSummary summary = new ProgressListener.EpochSummary(epoch + 1, cfg.epochs(),
                    lossSum / lossCount, valAcc, trainSecs, valSecs, n / trainSecs, "");
            Path ck;
            try {
                ck = writeCheckpoint(ckDir, sd, model, cfg, epoch + 1, history, summary);
            } catch (IOException e) {
                throw new UncheckedIOException("writing checkpoint", e);
            }
            summary = new ProgressListener.EpochSummary(epoch + 1, cfg.epochs(), lossSum / lossCount, valAcc,
                    trainSecs, valSecs, n / trainSecs, ck.toString());
            history.add(summary);
            out.onEpoch(summary);
        }
        boolean finished = lastEpoch == cfg.epochs();
        if (finished) {
            Properties extra = new Properties();
            extra.putAll(cfg.toProperties());
            extra.putAll(model.toProperties());
            extra.setProperty("trained.epochs", Integer.toString(lastEpoch));
            extra.setProperty("trained.iterations", Integer.toString(sd.getTrainingConfig().getIterationCount()));
            try {
                saveSameDiff(sd, outDir.resolve(MODEL_FILE), false);
                ModelIO.writePropertiesAtomically(extra, outDir.resolve(ModelIO.PROPERTIES_FILE),
                        "eenn-rc multi-exit transformer");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        return new Result(model, cfg, sd, history, lastEpoch, finished, wall,
                trainSecondsTotal > 0 ? trainTextsTotal / trainSecondsTotal : 0, outDir);
    }

    /**
     * Builds the backward graph now, with {@code System.out} silenced: M2.1's {@code createGradFunction} prints one
     * "Added differentiated op" line per op to standard output (about 250 lines for the default model), which
     * otherwise lands in the middle of every training log. {@code fit} reuses the function built here.
     */
    static void createGradientQuietly(SameDiff sd) {
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(stdout);
        }
    }

    static Path writeCheckpoint(Path dir, SameDiff sd, TransformerConfig model, TrainConfig cfg, int epoch,
                                List<ProgressListener.EpochSummary> before, ProgressListener.EpochSummary current)
            throws IOException {
        String base = String.format(Locale.ROOT, "epoch-%04d", epoch);
        Path file = dir.resolve(base + ".sd");
        saveSameDiff(sd, file, true);
        Properties p = new Properties();
        p.putAll(model.toProperties());
        p.putAll(cfg.toProperties());
        p.setProperty("state.completedEpochs", Integer.toString(epoch));
        p.setProperty("state.iteration", Integer.toString(sd.getTrainingConfig().getIterationCount()));
        p.setProperty("state.rng", "per-epoch order: java.util.Random(seed*1000003+epoch); no dropout");
        List<ProgressListener.EpochSummary> all = new ArrayList<>(before);
        all.add(current);
        TrainingHistory.write(p, all);
        ModelIO.writePropertiesAtomically(p, dir.resolve(base + ".properties"), "eenn-rc transformer checkpoint");
        ModelIO.writeStringAtomically(base + "\n", dir.resolve(LAST));
        return file;
    }

    static List<ProgressListener.EpochSummary> readHistory(Properties p, int epochs) {
        return TrainingHistory.read(p, epochs, e -> "");
    }

    /** Writes a SameDiff to a temporary file and renames it into place. */
    static void saveSameDiff(SameDiff sd, Path target, boolean withUpdater) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        File f = tmp.toFile();
        sd.save(f, withUpdater);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A trained model from a training output directory (model.sd, model.properties, vocab.txt). */
    public record Trained(TransformerConfig config, Map<String, INDArray> parameters, WordPieceTokenizer tokenizer,
                          Properties properties) {
        /** The trained model as an early-exit model (block by block). */
        public org.eennrc.models.StagedModel earlyExitModel() {
            return TextTransformer.earlyExitModel(config, parameters);
        }
    }

    public static Trained load(Path dir) {
        Dl4jRuntime.init();
        try {
            Properties p = ModelIO.readProperties(dir.resolve(ModelIO.PROPERTIES_FILE));
            SameDiff sd = SameDiff.load(dir.resolve(MODEL_FILE).toFile(), false);
            Path vocab = dir.resolve(VOCAB_FILE);
            return new Trained(TransformerConfig.fromProperties(p), TextTransformer.parameters(sd),
                    Files.isRegularFile(vocab) ? WordPieceTokenizer.load(vocab) : null, p);
        } catch (IOException e) {
            throw new UncheckedIOException("loading a transformer from " + dir, e);
        }
    }

    /** The shared progress printer ({@link ProgressListener#printing(java.io.PrintStream, String)}), in texts/s. */
    public static ProgressListener printing(java.io.PrintStream out) {
        return ProgressListener.printing(out, "texts");
    }
}
