package org.eennrc.experiments.data;

import com.google.inject.Inject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eennrc.core.ExitOutputs;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.models.ModelIO;
import org.eennrc.models.text.TextPipeline;
import org.eennrc.models.text.TextTrainer;
import org.eennrc.models.text.TransformerConfig;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.models.train.TrainConfig;

/**
 * The multi-exit transformer on WordNet glosses ({@code data.type: wordnet}): trains it with eenn-models'
 * {@link TextPipeline} (tokenizer learned on the training split, then the transformer), or reuses a cached model
 * whose config hash matches, then exports every exit on the held-out test glosses.
 *
 * <p>Cache layout as for {@link FashionMnistResnetSource}: {@code <cache_dir>/wordnet-transformer-<hash>/} holds
 * the trainer's output, {@code outputs-test.npz} and {@code config-hash.txt}. An interrupted training of the same
 * config resumes from its last checkpoint.
 */
public final class WordNetTransformerSource implements OutputsSource {
    private final ExperimentConfig config;
    private final ExperimentConfig.WordNet data;
    private final RunOptions options;
    private final Map<String, Object> provenance = new LinkedHashMap<>();

    @Inject
    public WordNetTransformerSource(ExperimentConfig config, RunOptions options) {
        this.config = config;
        this.data = (ExperimentConfig.WordNet) config.data;
        this.options = options;
    }

    /** The text whose SHA-256 names the cache folder: the canonical JSON of the model and training records. */
    static String hashText(TransformerConfig m, TrainConfig t, long splitSeed) {
        return Files2.settingsText("eenn-rc wordnet multi-exit-transformer v2",
                Map.of("model", m, "training", t, "split_seed", splitSeed));
    }

    @Override
    public ExitOutputs outputs(ExperimentData.Log log) throws Exception {
        long splitSeed = WordNetSources.checkedSplitSeed(config, data);
        TransformerConfig model = config.model.transformer;
        TrainConfig train = config.training; // checked against the network by ConfigLoader
        String text = hashText(model, train, splitSeed);
        String hash = Files2.sha256(text).substring(0, 16);
        Path dir = options.modelDir(config.model, "wordnet-transformer-" + hash);
        Path npz = dir.resolve("outputs-test.npz");
        provenance.put("model_cache", dir.toString());
        provenance.put("config_hash", hash);
        provenance.put("model", model.toString());
        provenance.put("training", train.toString());
        boolean cached = !options.retrain() && Files.isRegularFile(dir.resolve(TextTrainer.MODEL_FILE))
                && Files.isRegularFile(dir.resolve(ModelIO.CONFIG_FILE))
                && Files.isRegularFile(dir.resolve(TextTrainer.VOCAB_FILE));
        if (cached) {
            log.info("reusing the cached model " + dir + " (config hash " + hash + ")");
            provenance.put("trained", false);
        } else {
            log.info("training the multi-exit transformer (" + model + "; " + train + ") into " + dir);
            Files2.createCacheDir(dir, text);
            boolean resume = !options.retrain()
                    && org.eennrc.models.train.Checkpoints.resumable(dir);
            if (resume) log.info("resuming from the last checkpoint in " + dir.resolve(TextTrainer.CHECKPOINT_DIR));
            long t0 = System.nanoTime();
            PrintStream err = System.err;
            TextPipeline.train(data.dir, dir, model, train, resume, TextTrainer.printing(err));
            provenance.put("trained", true);
            provenance.put("train_seconds", (System.nanoTime() - t0) / 1e9);
            Files.deleteIfExists(npz);
        }
        return WordNetSources.testOutputs(npz, () -> TextPipeline.export(dir, data.dir, "test", npz, 256), data,
                provenance, log);
    }

    @Override
    public Map<String, Object> provenance() {
        return provenance;
    }
}
