package org.eennrc.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eennrc.models.text.TextTrainer;
import org.eennrc.models.text.TransformerConfig;
import org.eennrc.models.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model.json: written and read back whole; wrong types, bad values and folders of older versions are refused. */
class ModelIOTest {
    @TempDir
    Path dir;

    @Test
    void theDescriptionRoundTrips() {
        TrainConfig t = TrainConfig.builder().epochs(2).exitWeights(1, 2, 3).build();
        ModelIO.writeDescription(dir, new ModelIO.Description<>(ModelIO.RESNET, MultiExitResNetConfig.tiny(), t,
                new ModelIO.Trained(2, 24)));
        ModelIO.Description<MultiExitResNetConfig> d = ModelIO.readDescription(dir, ModelIO.RESNET,
                MultiExitResNetConfig.class);
        assertThat(d.model()).isEqualTo(MultiExitResNetConfig.tiny());
        assertThat(d.training()).isEqualTo(t);
        assertThat(d.trained()).isEqualTo(new ModelIO.Trained(2, 24));
        assertThatThrownBy(() -> ModelIO.readDescription(dir, ModelIO.TRANSFORMER, TransformerConfig.class))
                .hasMessageContaining("type: expected \"multi-exit-transformer\", got \"multi-exit-resnet\"");
    }

    @Test
    void aBadValueOrKeyInModelJsonIsNamed() throws Exception {
        Path f = dir.resolve(ModelIO.CONFIG_FILE);
        Files.writeString(f, "{\"type\": \"multi-exit-resnet\", \"model\": {\"widths\": [4, 0, 8]},"
                + " \"training\": {}, \"trained\": {\"epochs\": 1, \"iterations\": 1}}");
        assertThatThrownBy(() -> ModelIO.readDescription(dir, ModelIO.RESNET, MultiExitResNetConfig.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(f + ": model.widths[1] must be at least 1, got 0");
        Files.writeString(f, "{\"type\": \"multi-exit-resnet\", \"model\": {}, \"training\": {\"epoch\": 3},"
                + " \"trained\": {\"epochs\": 1, \"iterations\": 1}}");
        assertThatThrownBy(() -> ModelIO.readDescription(dir, ModelIO.RESNET, MultiExitResNetConfig.class))
                .hasMessageStartingWith(f + ": training.epoch: ");
    }

    @Test
    void aFolderSavedByAnOlderVersionIsRefusedSayingSo() throws Exception {
        Files.writeString(dir.resolve("model.properties"), "model.height=28\n");
        assertThatThrownBy(() -> ModelIO.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("saved by an older version of eenn-rc").hasMessageContaining("train the model again");
        assertThatThrownBy(() -> TextTrainer.load(dir)).hasMessageContaining("saved by an older version of eenn-rc");
        assertThatThrownBy(() -> ModelIO.load(dir.resolve("elsewhere"))).hasMessageContaining("no trained model");
    }
}
