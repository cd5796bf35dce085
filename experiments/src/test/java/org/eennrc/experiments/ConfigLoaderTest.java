package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ConfigLoader;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.experiments.data.FashionMnistResnetSource;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.text.TransformerConfig;
import org.eennrc.models.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    static final String GOOD = """
            name: tiny
            data:
              type: outputs
              path: outputs.npz
            risks: [prediction-gap, hellinger-consistency]
            controllers: [naive, crc]
            protocol:
              epsilons: 0.05:0.15:0.05
              delta: 0.1
              n_cal: 50
              trials: 3
              seed: 1
            """;

    private Path write(String text) throws IOException {
        Files.write(dir.resolve("outputs.npz"), new byte[] {1});
        Path f = dir.resolve("calm.yaml");
        Files.writeString(f, text);
        return f;
    }

    private String loadError(String text) throws IOException {
        Path f = write(text);
        try {
            ConfigLoader.load(f);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for\n" + text);
    }

    @Test
    void goodConfigParsesWithDefaultsAndResolvesPathsAgainstTheConfigFolder() throws IOException {
        ExperimentConfig c = ConfigLoader.load(write(GOOD));
        assertThat(c.name).isEqualTo("tiny");
        assertThat(c.protocol.nCal.values()).containsExactly(50);
        assertThat(c.protocol.epsilons.values()).containsExactly(0.05, 0.1, 0.15);
        assertThat(((ExperimentConfig.Outputs) c.data).path).isEqualTo(dir.resolve("outputs.npz"));
        assertThat(c.confidence).isEqualTo("max-softmax");
        assertThat(c.lambdaGrid.size).isEqualTo(101);
    }

    @Test
    void nCalAcceptsAListAndEpsilonsAList() throws IOException {
        ExperimentConfig c = ConfigLoader.load(write(GOOD.replace("n_cal: 50", "n_cal: [50, 80]")
                .replace("epsilons: 0.05:0.15:0.05", "epsilons: [0.1, 0.2]")));
        assertThat(c.protocol.nCal.values()).containsExactly(50, 80);
        assertThat(c.protocol.epsilons.values()).containsExactly(0.1, 0.2);
    }

    @Test
    void wrongTypeNamesFileKeyAndValue() throws IOException {
        String f = dir.resolve("calm.yaml").toString();
        assertThat(loadError(GOOD.replace("n_cal: 50", "n_cal: ten")))
                .isEqualTo(f + ": protocol.n_cal: expected an integer or a list of integers, got \"ten\"");
        assertThat(loadError(GOOD.replace("n_cal: 50", "n_cal: [50, x]")))
                .isEqualTo(f + ": protocol.n_cal: expected an integer or a list of integers, got \"x\" in the list");
        assertThat(loadError(GOOD.replace("trials: 3", "trials: many")))
                .isEqualTo(f + ": protocol.trials: expected an integer, got \"many\"");
        assertThat(loadError(GOOD.replace("delta: 0.1", "delta: [0.1]")))
                .isEqualTo(f + ": protocol.delta: expected a number, got a list");
        assertThat(loadError(GOOD.replace("epsilons: 0.05:0.15:0.05", "epsilons: {a: 1}")))
                .startsWith(f + ": protocol.epsilons: expected a grid 'start:stop:step', a number or a list of numbers, got a mapping");
    }

    @Test
    void unknownKeyIsReportedWithItsPathAndTheKnownKeys() throws IOException {
        String f = dir.resolve("calm.yaml").toString();
        assertThat(loadError(GOOD.replace("trials: 3", "trials: 3\n  trails: 3")))
                .startsWith(f + ": protocol.trails: unknown key; expected one of: baselines, delta, efficiency, epsilons, n_cal, seed, trials");
        assertThat(loadError(GOOD + "colour: blue\n")).startsWith(f + ": colour: unknown key; expected one of: ");
        assertThat(loadError(GOOD.replace("path: outputs.npz", "path: outputs.npz\n  scores: x.npy")))
                .startsWith(f + ": data.scores: unknown key; expected one of: path");
    }

    @Test
    void missingFileMissingKeyAndUnknownNames() throws IOException {
        String f = dir.resolve("calm.yaml").toString();
        assertThat(loadError(GOOD.replace("path: outputs.npz", "path: nowhere.npz")))
                .isEqualTo(f + ": data.path: file not found: " + dir.resolve("nowhere.npz"));
        assertThat(loadError(GOOD.replace("controllers: [naive, crc]\n", "")))
                .isEqualTo(f + ": controllers: missing (required)");
        assertThat(loadError(GOOD.replace("type: outputs", "type: pictures")))
                .startsWith(f + ": data.type: unknown type \"pictures\"; expected one of: cached-scores, outputs");
        assertThat(loadError(GOOD.replace("hellinger-consistency", "hellinger")))
                .startsWith(f + ": risks[1]: unknown risk");
        assertThat(loadError(GOOD.replace("delta: 0.1", "delta: 1.5")))
                .isEqualTo(f + ": protocol.delta: must be in (0, 1), got 1.5");
        assertThat(loadError(GOOD.replace("data:\n", "data: [\n")))
                .contains(f + ": line ").contains("YAML syntax error");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("none.yaml")))
                .hasMessage(dir.resolve("none.yaml") + ": config file not found");
    }

    @Test
    void shippedConfigsParse() {
        Path configs = Path.of("..", "configs");
        assumeTrue(Files.isDirectory(configs));
        assertThat(ConfigLoader.load(configs.resolve("outputs.yaml")).controllers).contains("crc", "ucb-wsr");
        // configs/calm-cnndm.yaml reads a data folder outside the repository: DataDirTest
        if (Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist"))) {
            assertThat(ConfigLoader.load(configs.resolve("fashion-mnist-resnet.yaml")).model.resnet.widths()).hasSize(4);
        }
        ExperimentConfig w = ConfigLoader.parse(readString(configs.resolve("wordnet-transformer.yaml")), "wordnet", false);
        assertThat(w.data).isInstanceOf(ExperimentConfig.WordNet.class);
        ExperimentConfig m = ConfigLoader.parse(readString(configs.resolve("wordnet-minilm.yaml")), "minilm", false);
        assertThat(m.model.minilm).isEqualTo(org.eennrc.models.text.MiniLmConfig.defaults());
        assertThat(m.model.recipe).isEqualTo(org.eennrc.models.text.MiniLmTrainer.Recipe.FROZEN);
        assertThat(m.model.numExits()).isEqualTo(6);
        // the shipped config is the committed default of the recipe's heads
        assertThat(m.training).isEqualTo(org.eennrc.models.text.MiniLmTrainer.Settings
                .defaults(org.eennrc.models.text.MiniLmTrainer.Recipe.FROZEN).heads());
    }

    @Test
    void miniLmModelKeysAreChecked() throws IOException {
        ExperimentConfig d = miniLm("recipe: deebert");
        assertThat(d.model.recipe).isEqualTo(org.eennrc.models.text.MiniLmTrainer.Recipe.DEEBERT);
        // without a training section the heads train with the recipe's committed defaults
        assertThat(d.training).isEqualTo(org.eennrc.models.text.MiniLmTrainer.Settings
                .defaults(org.eennrc.models.text.MiniLmTrainer.Recipe.DEEBERT).heads());
        assertThat(miniLm("seed: 1").model.recipe).isEqualTo(org.eennrc.models.text.MiniLmTrainer.Recipe.FROZEN);
        assertThatThrownBy(() -> miniLm("recipe: joint"))
                .hasMessageContaining("model.recipe: expected frozen or deebert, got \"joint\"");
        assertThatThrownBy(() -> miniLm("max_length: 600"))
                .hasMessageContaining("model.max_length: must be at most 512");
        assertThatThrownBy(() -> miniLm("num_classes: 10"))
                .hasMessageContaining("model.num_classes: WordNet glosses have 26 classes");
    }

    /** A WordNet experiment with model.type minilm and one more model key, fully validated. */
    private ExperimentConfig miniLm(String modelKey) throws IOException {
        Path f = dir.resolve("minilm-" + Integer.toHexString(modelKey.hashCode()) + ".yaml");
        Files.writeString(f, MODEL.formatted("").replace("data: {type: fashion-mnist, dir: fm}", "data: {type: wordnet}")
                .replace("type: multi-exit-resnet", "type: minilm\n  " + modelKey));
        return ConfigLoader.load(f);
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static final String MODEL = """
            name: fm
            data: {type: fashion-mnist, dir: fm}
            model:
              type: multi-exit-resnet
              cache_dir: cache
            %s
            risks: [prediction-gap]
            controllers: [crc]
            protocol: {epsilons: 0.1, n_cal: 100}
            """;

    /** A Fashion-MNIST experiment with {@code extra} added (a training section, more model keys), fully validated. */
    private ExperimentConfig fashionMnist(String extra) throws IOException {
        Files.createDirectories(dir.resolve("fm"));
        Path f = dir.resolve("fm-" + Integer.toHexString(extra.hashCode()) + ".yaml");
        Files.writeString(f, MODEL.formatted(extra));
        return ConfigLoader.load(f);
    }

    private String fashionMnistError(String extra) throws IOException {
        try {
            fashionMnist(extra);
        } catch (ConfigException e) {
            return e.getMessage().substring(e.getMessage().indexOf(".yaml: ") + ".yaml: ".length());
        }
        throw new AssertionError("no error for\n" + extra);
    }

    @Test
    void theSectionsAreTheLibraryRecordsAndOmittedKeysGetExactlyTheirDefaults() throws IOException {
        ExperimentConfig c = fashionMnist("");
        assertThat(c.model.resnet).isEqualTo(MultiExitResNetConfig.defaults());
        assertThat(c.model.transformer).isNull();
        assertThat(c.model.cacheDir).isEqualTo(dir.resolve("cache"));
        assertThat(c.training).isEqualTo(TrainConfig.defaults());
        ExperimentConfig some = fashionMnist("training: {epochs: 2, optimizer: sgd, exit_weights: [1, 0, 0.5, 2]}");
        assertThat(some.training).isEqualTo(TrainConfig.builder().epochs(2).optimizer(TrainConfig.Optimizer.SGD)
                .exitWeights(1, 0, 0.5, 2).build());
        // the data section sets the split
        Files.createDirectories(dir.resolve("fm"));
        Path f = dir.resolve("split.yaml");
        Files.writeString(f, MODEL.formatted("").replace("dir: fm}", "dir: fm, validation_size: 100, split_seed: 7}"));
        assertThat(ConfigLoader.load(f).training).isEqualTo(TrainConfig.builder().validationSize(100).splitSeed(7).build());
        ExperimentConfig w = ConfigLoader.parse("""
                name: t
                model: {type: multi-exit-transformer, layers: 3, pooling: cls}
                data: {type: wordnet}
                """, "t.yaml", false);
        assertThat(w.model.transformer).isEqualTo(new TransformerConfig(TransformerConfig.DEFAULT_VOCAB,
                TransformerConfig.DEFAULT_MAX_LENGTH, 64, 4, 128, 3, 26, 42, TransformerConfig.Pooling.CLS));
        // a model experiment without a training section trains with the defaults (the transformer's source used to
        // fail on a missing section)
        Path wf = dir.resolve("w.yaml");
        Files.writeString(wf, MODEL.formatted("").replace("data: {type: fashion-mnist, dir: fm}", "data: {type: wordnet}")
                .replace("type: multi-exit-resnet", "type: multi-exit-transformer"));
        ExperimentConfig wl = ConfigLoader.load(wf);
        assertThat(wl.training).isEqualTo(TrainConfig.defaults());
        assertThat(wl.model.transformer).isEqualTo(TransformerConfig.defaults());
    }

    @Test
    void theSpeedBlockHasDefaultsAndEveryBadValueIsNamed() throws IOException {
        ExperimentConfig c = fashionMnist("speed: {}");
        assertThat(c.speed.risk).isEqualTo("prediction-gap");
        assertThat(c.speed.controller).isEqualTo("crc");
        assertThat(c.speed.epsilon).isEqualTo(0.05);
        assertThat(c.speed.delta).isNull();
        assertThat(c.speed.batch).isEqualTo(128);
        assertThat(fashionMnist("").speed).isNull();
        assertThat(fashionMnist("speed: {epsilon: 0.1, controller: ucb-wsr, latency_samples: 0}").speed.latencySamples)
                .isZero();
        assertThat(fashionMnistError("speed: {epsilon: 1.5}")).startsWith("speed.epsilon: must be in (0, 1)");
        assertThat(fashionMnistError("speed: {delta: 0}")).startsWith("speed.delta: must be in (0, 1)");
        assertThat(fashionMnistError("speed: {batch: 0}")).startsWith("speed.batch: must be at least 1");
        assertThat(fashionMnistError("speed: {repeats: 0}")).startsWith("speed.repeats: must be at least 1");
        assertThat(fashionMnistError("speed: {latency_samples: -1}")).startsWith("speed.latency_samples: must be at least 0");
        assertThat(fashionMnistError("speed: {risk: accuracy}")).startsWith("speed.risk: unknown risk");
        assertThat(fashionMnistError("speed: {controller: pareto-ltt}")).startsWith("speed.controller:")
                .contains("per-exit");
        assertThat(fashionMnistError("speed: {batch_size: 3}")).startsWith("speed.batch_size: unknown key");
    }

    @Test
    void aTypoInAModelOrTrainingKeyIsReportedWithItsPath() throws IOException {
        assertThat(fashionMnistError("training: {learnig_rate: 0.01}"))
                .startsWith("training.learnig_rate: unknown key; expected one of: ")
                .contains("learning_rate", "exit_weights", "batch_size");
    }

    @Test
    void modelKeysAreCheckedByTheRecordAndAgainstTheData() throws IOException {
        Files.createDirectories(dir.resolve("fm"));
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, MODEL.formatted("").replace("  cache_dir: cache\n", "  cache_dir: cache\n  stem_widht: 8\n"));
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageStartingWith(f + ": model.stem_widht: unknown key; "
                + "expected one of: blocks, channels, head_hidden, height, num_classes, seed, stem_stride, stem_width, "
                + "strides, width, widths");
        Files.writeString(f, MODEL.formatted("").replace("  cache_dir: cache\n", "  cache_dir: cache\n  widths: [8, 0, 8, 8]\n"));
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessage(f + ": model.widths[1]: must be at least 1, got 0");
        Files.writeString(f, MODEL.formatted("").replace("  cache_dir: cache\n", "  cache_dir: cache\n  height: 32\n"));
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageContaining(f + ": model: Fashion-MNIST images are 28 x 28");
        Files.writeString(f, MODEL.formatted("").replace("type: multi-exit-resnet\n", ""));
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageStartingWith(f + ": model.type: missing (required)");
        Files.writeString(f, MODEL.formatted("").replace("type: multi-exit-resnet", "type: resnet"));
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageStartingWith(f + ": model.type: unknown type \"resnet\"");
        Files.writeString(f, MODEL.formatted("").replace("type: multi-exit-resnet", "type: multi-exit-transformer"));
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageStartingWith(f + ": model.type: expected \"multi-exit-resnet\"");
        assertThatThrownBy(() -> ConfigLoader.parse("""
                name: t
                model: {type: multi-exit-transformer, pooling: max}
                data: {type: wordnet}
                """, "t.yaml", false)).hasMessage("t.yaml: model.pooling: expected one of mean, cls, got \"max\"");
    }

    @Test
    void trainingValuesAreCheckedOnceByTheRecordWithTheKeyNamed() throws IOException {
        // (YAML and JSON cannot write NaN; the record's refusal of it is in eenn-models' SettingsJsonTest)
        assertThat(fashionMnistError("training: {learning_rate: 0}"))
                .isEqualTo("training.learning_rate: must be a finite number > 0, got 0.0");
        assertThat(fashionMnistError("training: {momentum: 1.5}")).isEqualTo("training.momentum: must be in [0, 1), got 1.5");
        assertThat(fashionMnistError("training: {weight_decay: -1}"))
                .isEqualTo("training.weight_decay: must be a finite number >= 0, got -1.0");
        assertThat(fashionMnistError("training: {exit_weights: [1, -2, 1, 1]}"))
                .isEqualTo("training.exit_weights[1]: must be a finite number >= 0, got -2.0");
        assertThat(fashionMnistError("training: {max_train_images: -5}"))
                .isEqualTo("training.max_train_images: must be at least 0, got -5");
        assertThat(fashionMnistError("training: {exit_weights: [0, 0, 0, 0]}"))
                .startsWith("training.exit_weights: must have at least one weight > 0");
        assertThat(fashionMnistError("training: {exit_weights: [1, 1]}"))
                .isEqualTo("training.exit_weights: must have one weight per exit: the network has 4 exits, got 2 weights");
        assertThat(fashionMnistError("training: {epochs: 20.5}")).startsWith("training.epochs: expected an integer, got 20.5");
        assertThat(fashionMnistError("training: {optimizer: adamw}"))
                .isEqualTo("training.optimizer: expected one of adam, nesterov, sgd, got \"adamw\"");
        assertThat(fashionMnistError("training: {exit_training: detached}")).startsWith("training.exit_training: must be joint");
        assertThat(fashionMnistError("training: {dropout: 0.1}")).startsWith("training.dropout: must be 0");
        assertThat(fashionMnistError("training: {validation_size: 10}"))
                .startsWith("training.validation_size: the data split is set in the data section: data.validation_size");
        Files.createDirectories(dir.resolve("fm"));
        Path f = dir.resolve("split.yaml");
        Files.writeString(f, MODEL.formatted("").replace("dir: fm}", "dir: fm, validation_size: -1}"));
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessage(f + ": data.validation_size: must be at least 0, got -1");
    }

    @Test
    void theCacheHashIsAFunctionOfTheSettingsNotOfHowTheyAreWritten() throws IOException {
        ExperimentConfig a = fashionMnist("training: {epochs: 3, learning_rate: 0.003, seed: 42}");
        ExperimentConfig b = fashionMnist("""
                training:
                  seed: 42
                  learning_rate: 3e-3
                  optimizer: adam
                  epochs: 3
                """.strip());
        String ha = FashionMnistResnetSource.hashText(a.model.resnet, a.training);
        assertThat(FashionMnistResnetSource.hashText(b.model.resnet, b.training)).isEqualTo(ha);
        ExperimentConfig c = fashionMnist("training: {epochs: 3, learning_rate: 0.004}");
        assertThat(FashionMnistResnetSource.hashText(c.model.resnet, c.training)).isNotEqualTo(ha);
        ExperimentConfig d = fashionMnist("training: {epochs: 3, exit_weights: [1, 1, 1, 2]}");
        assertThat(FashionMnistResnetSource.hashText(d.model.resnet, d.training)).isNotEqualTo(ha);
        ExperimentConfig e = fashionMnist("training: {epochs: 3}");
        Path f = dir.resolve("wider.yaml");
        Files.writeString(f, MODEL.formatted("training: {epochs: 3}").replace("  cache_dir: cache\n",
                "  cache_dir: cache\n  head_hidden: 16\n"));
        ExperimentConfig g = ConfigLoader.load(f);
        assertThat(FashionMnistResnetSource.hashText(g.model.resnet, g.training))
                .isNotEqualTo(FashionMnistResnetSource.hashText(e.model.resnet, e.training));
        assertThat(FashionMnistResnetSource.hashText(e.model.resnet, e.training)).isEqualTo(ha);
        // the text hashed is the canonical JSON of both records
        assertThat(ha).startsWith("eenn-rc fashion-mnist multi-exit-resnet v2\n{\"model\":{\"blocks\":[1,1,1,1],");
    }

    @Test
    void exitTrainingAndPoolingComeFromTheConfig() {
        ExperimentConfig w = ConfigLoader.parse("""
                name: t
                model: {type: multi-exit-transformer}
                training: {exit_training: detached, epochs: 1}
                data: {type: wordnet}
                """, "t.yaml", false);
        assertThat(w.training.exitTraining()).isEqualTo(TrainConfig.ExitTraining.DETACHED);
        assertThat(w.model.transformer.pooling()).isEqualTo(TransformerConfig.Pooling.MEAN);
        assertThatThrownBy(() -> ConfigLoader.parse("""
                name: t
                model: {type: multi-exit-transformer}
                training: {exit_training: frozen}
                data: {type: wordnet}
                """, "t.yaml", false)).hasMessage("t.yaml: training.exit_training: expected one of joint, detached, got \"frozen\"");
    }
}
