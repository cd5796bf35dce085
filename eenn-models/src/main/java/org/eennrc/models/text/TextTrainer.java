package org.eennrc.models.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.ModelIO;
import org.eennrc.models.StagedModel;
import org.eennrc.models.internal.BatchIterator;
import org.eennrc.models.train.Checkpoints;
import org.eennrc.models.train.EarlyExitTrainer;
import org.eennrc.models.train.EpochData;
import org.eennrc.models.train.Permutation;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.TrainableNetwork;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.risk.io.AtomicFiles;
import org.eennrc.risk.provenance.Provenance;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The transformer's training recipe on {@link EarlyExitTrainer} (the loop every model shares): joint training of all
 * exits of the {@link TextTransformer}, loss = Σ_b w_b · CE_b (equal weights by default), with the shared
 * {@link TrainConfig} ({@code maxTrainImages} counts texts here) and {@link TrainingListener}s.
 *
 * <p>Layout of {@code outDir}: {@code checkpoints/} ({@link Checkpoints}: {@code epoch-NNNN.sd} with updater state,
 * {@code epoch-NNNN.json}, {@code LAST}); at the end {@code model.sd} (no updater state) and {@code model.json}
 * ({@link ModelIO#writeDescription}: the model and training configurations, the epochs and iterations trained); the
 * tokenizer's {@code vocab.txt} next to them.
 *
 * <p>The mean training loss of an epoch is the mean, over every k-th batch (k = max(1, iterations per epoch / 50)),
 * of the summed exit losses of that batch just before its update.
 *
 * <p>Reproducibility: parameters come from {@link TextTransformer#initialParameters} (seeded); the order of the
 * training texts in epoch e is a permutation by {@code new Random(seed * 1_000_003 + e)}, dropout masks are drawn per
 * (seed, epoch, batch). Resuming after epoch e continues with the batches an uninterrupted run would use, from the
 * saved parameters, Adam moments and iteration counter (which drives the learning-rate schedule).
 */
public final class TextTrainer {
    /** Where the checkpoints go inside the output folder. */
    public static final String CHECKPOINT_DIR = Checkpoints.FOLDER;
    public static final String MODEL_FILE = "model.sd";
    public static final String VOCAB_FILE = "vocab.txt";

    private TextTrainer() {
    }

    public record Result(TransformerConfig model, TrainConfig train, SameDiff graph,
                         List<TrainingListener.EpochSummary> history, int completedEpochs, boolean finished,
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
                               TrainingListener listener) {
        return train(model, cfg, tokenizer, train, validation, outDir, resume, 0, listener);
    }

    /**
     * Trains the model, stopping after {@code stopAfterEpochs} epochs of this call (0: run to {@code cfg.epochs()});
     * resume continues.
     */
    public static Result train(TransformerConfig model, TrainConfig cfg, WordPieceTokenizer tokenizer,
                               EncodedTexts train, EncodedTexts validation, Path outDir, boolean resume,
                               int stopAfterEpochs, TrainingListener listener) {
        cfg.requireExits(model.numExits());
        Dl4jRuntime.init();
        TrainingListener out = listener != null ? listener : printing(System.out);
        if (cfg.maxTrainImages() > 0 && cfg.maxTrainImages() < train.size()) {
            train = train.sample(cfg.maxTrainImages(), cfg.seed());
        }
        int n = train.size();
        int totalIters = (n + cfg.batchSize() - 1) / cfg.batchSize() * cfg.epochs();
        try {
            Files.createDirectories(outDir);
            if (tokenizer != null) {
                tokenizer.save(outDir.resolve(VOCAB_FILE));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TransformerNetwork net = new TransformerNetwork(model, TextTransformer.buildTraining(model,
                TextTransformer.initialParameters(model), cfg.updater(totalIters), cfg), cfg.dropout() > 0);
        // dropout and exit training shape the training graph (its placeholders, its stop-gradients), so a checkpoint
        // must agree on them as well as on the model
        Map<String, Object> identity = new java.util.LinkedHashMap<>();
        identity.put("model", model);
        identity.put("dropout", cfg.dropout());
        identity.put("exit_training", cfg.exitTraining());
        out.onStart(String.format(Locale.ROOT, "[text] %s%n[text] %s; train %d, validation %d texts", model, cfg, n,
                validation.size()));
        Provenance.Builder provenance = Provenance.start("train " + ModelIO.TRANSFORMER, List.of());
        EarlyExitTrainer.Result r = EarlyExitTrainer.builder(net, batches(model, cfg, train))
                .settings(cfg, totalIters).stopAfterEpochs(stopAfterEpochs).resume(resume)
                .standardListeners(validation.size() > 0 ? validation.iterator(cfg.evalBatchSize()) : null, outDir,
                        identity, cfg, out)
                .train();
        if (r.finished()) {
            try {
                AtomicFiles.write(outDir.resolve(MODEL_FILE), o -> net.save(o, false));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ModelIO.Description<TransformerConfig> d = new ModelIO.Description<>(ModelIO.TRANSFORMER, model, cfg,
                    new ModelIO.Trained(r.completedEpochs(), net.iteration()));
            ModelIO.writeDescription(outDir, d);
            ModelIO.writeProvenance(outDir, provenance, d, r);
        }
        return new Result(model, cfg, net.graph(), r.history(), r.completedEpochs(), r.finished(), r.wallSeconds(),
                r.trainSamplesPerSecond(), outDir);
    }

    /**
     * Training batches: epoch e's order is a permutation by {@code new Random(seed * 1_000_003 + e)}; features are the
     * ids, the mask and, with dropout, the inverted-dropout masks drawn per (seed, epoch, batch), so a resumed run
     * draws what an uninterrupted one would.
     */
    static EpochData batches(TransformerConfig model, TrainConfig cfg, EncodedTexts train) {
        int n = train.size();
        int batch = cfg.batchSize();
        int features = TextTransformer.featureNames(model, cfg.dropout() > 0).length;
        return EpochData.sized(n, epoch -> {
            int[] order = Permutation.of(n, new Random(cfg.seed() * 1_000_003L + epoch));
            return new BatchIterator(n, batch, (from, to) -> {
                INDArray[] f = new INDArray[features];
                f[0] = train.idsBatch(order, from, to);
                f[1] = train.maskBatch(order, from, to);
                if (cfg.dropout() > 0) {
                    INDArray[] drops = TextTransformer.dropoutMasks(model, to - from, cfg.dropout(),
                            new SplittableRandom((cfg.seed() * 1_000_003L + epoch) * 1_000_033L + from / batch));
                    System.arraycopy(drops, 0, f, 2, drops.length);
                }
                return new MultiDataSet(f, new INDArray[] {train.labelsBatch(order, from, to)});
            });
        });
    }

    /**
     * The transformer's training graph as a {@link TrainableNetwork}. M2.1's {@code fit()} reports no loss
     * ({@code History.lossCurve()} is null: the backward pass never evaluates the loss node), so the loss is a
     * forward pass before the update, on the batches the trainer asks for.
     */
    static final class TransformerNetwork extends SameDiffNetwork {
        private final TransformerConfig config;
        private final String[] featureNames;

        TransformerNetwork(TransformerConfig config, SameDiff sd, boolean dropout) {
            super(sd);
            this.config = config;
            this.featureNames = TextTransformer.featureNames(config, dropout);
        }

        SameDiff graph() {
            return sd;
        }

        @Override
        public double fit(org.nd4j.linalg.dataset.api.MultiDataSet batch, boolean measureLoss) {
            // with dropout the loss is that of the dropped-out network, the one being trained
            return fitFeeding(batch, measureLoss, featureNames, TextTransformer.LABELS, TextTransformer.LOSS);
        }

        @Override
        public long numParams() {
            return config.numParams();
        }

        @Override
        public StagedModel model() {
            return TextTransformer.earlyExitModel(config, TextTransformer.parameters(sd));
        }
    }

    /** A trained model from a training output directory (model.sd, model.json, vocab.txt). */
    public record Trained(TransformerConfig config, Map<String, INDArray> parameters, WordPieceTokenizer tokenizer,
                          TrainConfig training) {
        /** The trained model as an early-exit model (block by block). */
        public StagedModel earlyExitModel() {
            return TextTransformer.earlyExitModel(config, parameters);
        }
    }

    /**
     * Loads a trained model from a training output directory.
     *
     * @throws IllegalArgumentException if {@code model.json} is missing (saying so for a folder of an older version),
     *                                  is not a transformer's, or holds a bad value
     */
    public static Trained load(Path dir) {
        Dl4jRuntime.init();
        ModelIO.Description<TransformerConfig> d = ModelIO.readDescription(dir, ModelIO.TRANSFORMER,
                TransformerConfig.class);
        Path sdFile = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(sdFile)) {
            throw new IllegalArgumentException("no trained model at " + dir + " (no " + MODEL_FILE + ")");
        }
        SameDiff sd = SameDiff.load(sdFile.toFile(), false);
        Path vocab = dir.resolve(VOCAB_FILE);
        return new Trained(d.model(), TextTransformer.parameters(sd),
                Files.isRegularFile(vocab) ? WordPieceTokenizer.load(vocab) : null, d.training());
    }

    /** The shared progress printer ({@link TrainingListener#printing(java.io.PrintStream, String)}), in texts/s. */
    public static TrainingListener printing(java.io.PrintStream out) {
        return TrainingListener.printing(out, "texts");
    }
}
