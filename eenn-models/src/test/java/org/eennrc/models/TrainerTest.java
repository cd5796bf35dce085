package org.eennrc.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.models.data.ImageSet;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.eennrc.models.train.Checkpoints;
import org.eennrc.models.train.GraphNetwork;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

class TrainerTest {
    static final MultiExitResNetConfig TINY = MultiExitResNetConfig.tiny();

    @TempDir
    Path tmp;

    @BeforeAll
    static void init() {
        Dl4jRuntime.init();
    }

    static TrainConfig tinyCfg(int epochs) {
        return TrainConfig.builder().epochs(epochs).batchSize(32).learningRate(3e-3).validationSize(0)
                .augmentFlip(true).evalBatchSize(100).build();
    }

    static double loss(ComputationGraph g, ImageSet d) {
        INDArray y = d.oneHot(null, 0, d.size());
        INDArray[] labels = new INDArray[TINY.numExits()];
        Arrays.fill(labels, y);
        return g.score(new MultiDataSet(new INDArray[] {d.features(0, d.size())}, labels), false);
    }

    @Test
    void lossGoesDownOverAFewSteps() throws Exception {
        ImageSet train = TestData.train(256);
        ComputationGraph before = MultiExitResNet.build(TINY);
        double l0 = loss(before, train);
        Trainer.TrainResult r = Trainer.train(TINY, tinyCfg(3), train, TestData.test(100), tmp.resolve("run"), false,
                TrainingListener.SILENT);
        double l1 = loss(r.graph(), train);
        assertThat(r.graph().getIterationCount()).isEqualTo(24);
        assertThat(l1).as("summed exit loss before %s after %s", l0, l1).isLessThan(0.8 * l0);
        assertThat(r.history()).hasSize(3);
        assertThat(r.history().get(2).meanLoss()).isLessThan(r.history().get(0).meanLoss());
        assertThat(r.history().get(2).validationAccuracy()).hasSize(3);
        assertThat(Files.exists(tmp.resolve("run/model.zip"))).isTrue();
        assertThat(Files.readString(tmp.resolve("run/checkpoints/LAST")).trim()).isEqualTo("epoch-0003");
        // the saved final model reproduces the in-memory one
        ModelIO.TrainedModel m = ModelIO.load(tmp.resolve("run"));
        assertThat(m.config()).isEqualTo(TINY);
        assertThat(m.training()).isEqualTo(tinyCfg(3));
        // a checkpoint loads as a model too, its configuration from the JSON beside it
        assertThat(ModelIO.load(tmp.resolve("run/checkpoints/epoch-0003.zip")).config()).isEqualTo(TINY);
        assertThat(m.graph().params().equalsWithEps(r.graph().params(), 0.0)).isTrue();
        // and its provenance is the project's one record, with what training did
        String prov = Files.readString(tmp.resolve("run").resolve(ModelIO.PROVENANCE_FILE));
        assertThat(prov).contains("\"command\": \"train multi-exit-resnet\"").contains("\"epochs_trained\": 3")
                .contains("\"seed\": 42").contains("\"version\"");
    }

    @Test
    void resumeContinuesFromTheSameState() throws Exception {
        ImageSet train = TestData.train(192);
        ImageSet val = TestData.test(64);
        // uninterrupted: 3 epochs
        Trainer.TrainResult full = Trainer.train(TINY, tinyCfg(3), train, val, tmp.resolve("a"), false,
                TrainingListener.SILENT);
        // interrupted after 2 epochs, then resumed
        Trainer.TrainResult part = Trainer.train(TINY, tinyCfg(3), train, val, tmp.resolve("b"), false, 2,
                TrainingListener.SILENT);
        assertThat(part.finished()).isFalse();
        assertThat(Files.exists(tmp.resolve("b/model.zip"))).isFalse();

        // the checkpoint holds exactly the in-memory state: parameters, updater state, counters
        GraphNetwork restored = freshNetwork();
        Checkpoints.Restored ck = checkpoints(tmp.resolve("b/checkpoints")).restore(restored, m -> { });
        assertThat(ck.completedEpochs()).isEqualTo(2);
        assertThat(restored.graph().params().equalsWithEps(part.graph().params(), 0.0)).isTrue();
        assertThat(restored.graph().getUpdater().getStateViewArray()
                .equalsWithEps(part.graph().getUpdater().getStateViewArray(), 0.0)).isTrue();
        assertThat(restored.graph().getIterationCount()).isEqualTo(part.graph().getIterationCount()).isEqualTo(12);
        assertThat(restored.graph().getEpochCount()).isEqualTo(2);
        assertThat(ck.history()).hasSize(2);

        Trainer.TrainResult resumed = Trainer.train(TINY, tinyCfg(3), train, val, tmp.resolve("b"), true,
                TrainingListener.SILENT);
        assertThat(resumed.finished()).isTrue();
        assertThat(resumed.history()).hasSize(3);
        assertThat(resumed.graph().getIterationCount()).isEqualTo(full.graph().getIterationCount());
        INDArray pa = full.graph().params();
        INDArray pb = resumed.graph().params();
        double maxDiff = pa.sub(pb).amaxNumber().doubleValue();
        assertThat(maxDiff).as("max |param difference| uninterrupted vs resumed").isLessThan(1e-5);
        assertThat(resumed.history().get(2).meanLoss())
                .isCloseTo(full.history().get(2).meanLoss(), org.assertj.core.data.Offset.offset(1e-5));
    }

    static GraphNetwork freshNetwork() {
        return new GraphNetwork(MultiExitResNet.build(TINY), InputType.convolutional(28, 28, 1));
    }

    static Checkpoints checkpoints(Path dir) {
        return new Checkpoints(dir, TINY, tinyCfg(3));
    }

    @Test
    void aCorruptNewestCheckpointFallsBackToTheNewestIntactOneAndLastIsConfined() throws Exception {
        Path dir = tmp.resolve("c");
        Trainer.train(TINY, tinyCfg(3), TestData.train(64), TestData.test(0), dir, false, 2, TrainingListener.SILENT);
        Path ckDir = dir.resolve(Trainer.CHECKPOINT_DIR);
        Path newest = ckDir.resolve("epoch-0002.zip");
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length / 3)); // truncated, as by a full disk
        java.util.List<String> log = new java.util.ArrayList<>();
        Checkpoints.Restored r = checkpoints(ckDir).restore(freshNetwork(), log::add);
        assertThat(r.completedEpochs()).isEqualTo(1);
        assertThat(String.join("\n", log)).contains("epoch-0002.zip").contains("newest intact checkpoint");

        Files.writeString(ckDir.resolve(Checkpoints.LAST), "../../elsewhere/epoch-0009\n");
        assertThatThrownBy(() -> checkpoints(ckDir).restore(freshNetwork(), m -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a checkpoint of this folder");

        Files.writeString(ckDir.resolve(Checkpoints.LAST), "epoch-0001\n");
        assertThatThrownBy(() -> new Checkpoints(ckDir, TINY.toBuilder().seed(7).build(),
                tinyCfg(3)).restore(freshNetwork(), m -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another model")
                .hasMessageContaining("seed: 42 -> 7");
    }
}
