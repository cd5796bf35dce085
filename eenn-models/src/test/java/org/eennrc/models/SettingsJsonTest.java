package org.eennrc.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.eennrc.models.text.TransformerConfig;
import org.eennrc.models.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** The configuration records as JSON: names, defaults for omitted keys, strictness, checks naming the key. */
class SettingsJsonTest {
    private static final ObjectMapper JSON = SettingsJson.mapper();

    private static <T> T roundTrip(T value, Class<T> type) throws Exception {
        return JSON.readValue(JSON.writeValueAsString(value), type);
    }

    @Test
    void everyRecordRoundTripsThroughJson() throws Exception {
        MultiExitResNetConfig r = MultiExitResNetConfig.builder().widths(8, 16).blocks(2, 1).strides(1, 2)
                .stemWidth(4).stemStride(1).headHidden(32).seed(7).input(32, 30, 3).numClasses(5).build();
        assertThat(roundTrip(r, MultiExitResNetConfig.class)).isEqualTo(r);
        assertThat(roundTrip(MultiExitResNetConfig.defaults(), MultiExitResNetConfig.class))
                .isEqualTo(MultiExitResNetConfig.defaults());
        TransformerConfig t = new TransformerConfig(300, 16, 16, 2, 32, 3, 26, 9, TransformerConfig.Pooling.CLS);
        assertThat(roundTrip(t, TransformerConfig.class)).isEqualTo(t);
        TrainConfig c = TrainConfig.builder().epochs(2).batchSize(32).optimizer(TrainConfig.Optimizer.NESTEROV)
                .learningRate(0.1).momentum(0.5).schedule(TrainConfig.Schedule.STEP).warmupFraction(0.1)
                .weightDecay(1e-4).exitWeights(0.5, 0, 2).exitTraining(TrainConfig.ExitTraining.DETACHED)
                .dropout(0.1).augmentFlip(true).seed(3).validationSize(0).splitSeed(5).maxTrainImages(100)
                .evalBatchSize(64).build();
        assertThat(roundTrip(c, TrainConfig.class)).isEqualTo(c);
        assertThat(roundTrip(TrainConfig.defaults(), TrainConfig.class)).isEqualTo(TrainConfig.defaults());
    }

    @Test
    void keysAreSnakeCaseAndEnumsLowerCase() {
        JsonNode t = JSON.valueToTree(TrainConfig.defaults());
        assertThat(t.get("learning_rate").doubleValue()).isEqualTo(3e-3);
        assertThat(t.get("optimizer").asText()).isEqualTo("adam");
        assertThat(t.get("schedule").asText()).isEqualTo("cosine");
        assertThat(t.get("exit_training").asText()).isEqualTo("joint");
        assertThat(t.has("stop_after_epochs")).as("how a run is invoked is not a setting").isFalse();
        JsonNode m = JSON.valueToTree(TransformerConfig.defaults());
        assertThat(m.get("layers").intValue()).isEqualTo(6);
        assertThat(m.get("d_model").intValue()).isEqualTo(64);
        assertThat(m.get("pooling").asText()).isEqualTo("mean");
        assertThat(JSON.valueToTree(MultiExitResNetConfig.defaults()).get("stem_width").intValue()).isEqualTo(32);
    }

    @Test
    void omittedKeysTakeTheDefaultsAndOnlyThem() throws Exception {
        assertThat(JSON.readValue("{}", TrainConfig.class)).isEqualTo(TrainConfig.defaults());
        assertThat(JSON.readValue("{}", MultiExitResNetConfig.class)).isEqualTo(MultiExitResNetConfig.defaults());
        assertThat(JSON.readValue("{}", TransformerConfig.class)).isEqualTo(TransformerConfig.defaults());
        assertThat(JSON.readValue("{\"epochs\": 2, \"optimizer\": \"sgd\"}", TrainConfig.class))
                .isEqualTo(TrainConfig.builder().epochs(2).optimizer(TrainConfig.Optimizer.SGD).build());
        assertThat(JSON.readValue("{\"layers\": 2, \"pooling\": \"cls\"}", TransformerConfig.class))
                .isEqualTo(new TransformerConfig(4000, 32, 64, 4, 128, 2, 26, 42, TransformerConfig.Pooling.CLS));
    }

    @Test
    void unknownKeysWrongTypesAndBadNamesAreErrors() {
        assertThatThrownBy(() -> JSON.readValue("{\"learnig_rate\": 0.1}", TrainConfig.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("learnig_rate");
        assertThatThrownBy(() -> JSON.readValue("{\"epochs\": 2.5}", TrainConfig.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> JSON.readValue("{\"epochs\": \"2\"}", TrainConfig.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> JSON.readValue("{\"optimizer\": \"Adamw\"}", TrainConfig.class))
                .isInstanceOf(InvalidFormatException.class);
        assertThatThrownBy(() -> JSON.readValue("{\"epochs\": null}", TrainConfig.class))
                .isInstanceOf(MismatchedInputException.class);
    }

    @Test
    void outOfRangeValuesAreRefusedByTheRecordWithTheKeyNamed() {
        assertThatThrownBy(() -> TrainConfig.builder().learningRate(Double.NaN).build())
                .isInstanceOfSatisfying(SettingException.class, e -> assertThat(e.key()).isEqualTo("training.learning_rate"))
                .hasMessage("training.learning_rate must be a finite number > 0, got NaN");
        assertThatThrownBy(() -> TrainConfig.builder().learningRate(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("training.learning_rate");
        assertThatThrownBy(() -> TrainConfig.builder().momentum(Double.NaN).build())
                .hasMessageContaining("training.momentum");
        assertThatThrownBy(() -> TrainConfig.builder().weightDecay(Double.NEGATIVE_INFINITY).build())
                .hasMessageContaining("training.weight_decay");
        assertThatThrownBy(() -> TrainConfig.builder().maxTrainImages(-1).build())
                .hasMessage("training.max_train_images must be at least 0, got -1");
        assertThatThrownBy(() -> TrainConfig.builder().exitWeights(1, Double.NaN).build())
                .hasMessageContaining("training.exit_weights[1]");
        assertThatThrownBy(() -> TrainConfig.builder().exitWeights(1, -1).build())
                .hasMessageContaining("training.exit_weights[1]");
        assertThatThrownBy(() -> TrainConfig.builder().exitWeights(0, 0).build())
                .hasMessageContaining("training.exit_weights must have at least one weight > 0");
        assertThatThrownBy(() -> TrainConfig.builder().exitWeights(1, 1).build().requireExits(3))
                .hasMessageContaining("training.exit_weights").hasMessageContaining("3 exits, got 2 weights");
        assertThatThrownBy(() -> MultiExitResNetConfig.builder().widths(8, 0, 8, 8).build())
                .hasMessage("model.widths[1] must be at least 1, got 0");
        assertThatThrownBy(() -> MultiExitResNetConfig.builder().widths(8, 8).build())
                .hasMessageContaining("model.blocks and model.strides need one entry per stage");
        assertThatThrownBy(() -> new TransformerConfig(300, 16, 18, 4, 32, 3, 26, 1))
                .hasMessageContaining("model.d_model must be divisible by model.heads");
        // through JSON, the record's message reaches the reader
        assertThatThrownBy(() -> JSON.readValue("{\"momentum\": 1.5}", TrainConfig.class))
                .satisfies(e -> assertThat(SettingException.causeOf(e).key()).isEqualTo("training.momentum"));
    }

    @Test
    void theRecordsAreImmutable() {
        int[] widths = {8, 8};
        MultiExitResNetConfig c = MultiExitResNetConfig.builder().widths(widths).blocks(1, 1).strides(1, 1).build();
        widths[0] = 99;
        c.widths()[1] = 99;
        assertThat(c.widths()).containsExactly(8, 8);
        double[] w = {1, 2};
        TrainConfig t = TrainConfig.builder().exitWeights(w).build();
        w[0] = 5;
        t.exitWeights()[1] = 5;
        assertThat(t.exitWeights()).containsExactly(1, 2);
    }

    @Test
    void theCanonicalTextDoesNotDependOnHowTheSettingsWereWritten() throws Exception {
        TrainConfig a = JSON.readValue("{\"learning_rate\": 0.003, \"epochs\": 4, \"seed\": 42}", TrainConfig.class);
        TrainConfig b = JSON.readValue("{\"seed\": 42, \"learning_rate\": 3e-3}", TrainConfig.class);
        assertThat(SettingsJson.canonical(a)).isEqualTo(SettingsJson.canonical(b))
                .isEqualTo(SettingsJson.canonical(TrainConfig.defaults()));
        assertThat(SettingsJson.canonical(a.toBuilder().learningRate(0.004).build()))
                .isNotEqualTo(SettingsJson.canonical(a));
        assertThat(SettingsJson.canonical(a)).startsWith("{\"augment_flip\":false,\"batch_size\":128,");
    }
}
