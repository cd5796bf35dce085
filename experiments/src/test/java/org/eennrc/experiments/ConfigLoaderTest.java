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
                .startsWith(f + ": protocol.trails: unknown key; expected one of: delta, efficiency, epsilons, n_cal, seed, trials");
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
            assertThat(ConfigLoader.load(configs.resolve("fashion-mnist-resnet.yaml")).model.widths).hasSize(4);
        }
        ExperimentConfig w = ConfigLoader.parse(readString(configs.resolve("wordnet-transformer.yaml")), "wordnet", false);
        assertThat(w.data).isInstanceOf(ExperimentConfig.WordNet.class);
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void transformerPoolingComesFromTheConfigAndABadNameIsNamed() {
        ExperimentConfig.ModelConfig m = new ExperimentConfig.ModelConfig();
        assertThat(org.eennrc.experiments.data.WordNetTransformerSource.modelConfig(m).pooling())
                .isEqualTo(org.eennrc.models.text.TransformerConfig.Pooling.MEAN);
        m.pooling = "CLS";
        assertThat(org.eennrc.experiments.data.WordNetTransformerSource.modelConfig(m).pooling())
                .isEqualTo(org.eennrc.models.text.TransformerConfig.Pooling.CLS);
        m.pooling = "max";
        assertThatThrownBy(() -> org.eennrc.experiments.data.WordNetTransformerSource.modelConfig(m))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pooling must be mean or cls, got 'max'");
    }

    @Test
    void exitTrainingComesFromTheConfigAndABadNameIsNamed() {
        ExperimentConfig w = ConfigLoader.parse("""
                name: t
                model: {type: multi-exit-transformer}
                training: {exit_training: detached, epochs: 1}
                data: {type: wordnet}
                """, "t.yaml", false);
        org.eennrc.models.train.TrainConfig t =
                org.eennrc.experiments.data.FashionMnistResnetSource.trainConfigBuilder(w.training).build();
        assertThat(t.exitTraining()).isEqualTo(org.eennrc.models.train.TrainConfig.ExitTraining.DETACHED);
        // the cache key sees it, and a jointly trained model's key is what it was before the option existed
        assertThat(t.toProperties().getProperty("train.exitTraining")).isEqualTo("DETACHED");
        assertThat(org.eennrc.models.train.TrainConfig.defaults().toProperties()).doesNotContainKey("train.exitTraining");
        assertThat(org.eennrc.models.train.TrainConfig.fromProperties(t.toProperties()).exitTraining())
                .isEqualTo(org.eennrc.models.train.TrainConfig.ExitTraining.DETACHED);
        // the ResNet refuses both transformer-only settings, naming them
        assertThatThrownBy(() -> org.eennrc.models.train.Trainer.checkSupported(t))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("exit_training: ");
        assertThatThrownBy(() -> org.eennrc.models.train.Trainer.checkSupported(
                org.eennrc.models.train.TrainConfig.builder().dropout(0.1).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("dropout: ");
        org.eennrc.models.train.Trainer.checkSupported(org.eennrc.models.train.TrainConfig.defaults());
        w.training.exitTraining = "frozen";
        assertThatThrownBy(() -> org.eennrc.experiments.data.FashionMnistResnetSource.trainConfigBuilder(w.training))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exit_training must be joint or detached, got 'frozen'");
    }
}
