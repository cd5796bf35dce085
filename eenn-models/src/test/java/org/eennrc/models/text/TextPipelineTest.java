package org.eennrc.models.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.risk.Guarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain-Java entry points end to end on the fixture: train, export, infer with a policy. */
class TextPipelineTest {
    @Test
    void trainExportInfer(@TempDir Path tmp) throws Exception {
        Path data = TextFixtures.dir();
        TransformerConfig model = new TransformerConfig(300, 16, 16, 2, 32, 2, WordNetGlosses.NUM_CLASSES, 3);
        TrainConfig cfg = TrainConfig.builder().epochs(1).batchSize(64).evalBatchSize(64).build();
        TextTrainer.Result r = TextPipeline.train(data, tmp, model, cfg, false, TrainingListener.SILENT);
        assertThat(r.finished()).isTrue();
        assertThat(Files.isRegularFile(tmp.resolve(TextTrainer.MODEL_FILE))).isTrue();
        assertThat(Files.isRegularFile(tmp.resolve(TextTrainer.VOCAB_FILE))).isTrue();

        Path npz = tmp.resolve("out/test.npz");
        ExitOutputs o = TextPipeline.export(tmp, data, "test", npz, 32);
        assertThat(Files.isRegularFile(npz)).isTrue();
        TextPipeline.Data d = TextPipeline.prepare(data, WordPieceTokenizer.load(tmp.resolve("vocab.txt")), 0, 0,
                WordNetGlosses.DEFAULT_SPLIT_SEED);
        assertThat(o.numSamples()).isEqualTo(d.test().size());
        assertThat(o.numExits()).isEqualTo(2);
        assertThat(o.labels()).containsExactly(d.test().labels());
        assertThat(o.flops()).containsExactly(TextTransformer.earlyExitModel(r.model(), r.parameters()).cumulativeCost());

        ExitPolicy policy = new ExitPolicy("max-softmax", 0.07, 2, new ExitPolicy.Certificate("prediction-consistency",
                "crc", 0.05, 0.1, 10, Guarantee.values()[0], true, 93, 0.0, "none", Double.NaN));
        ExitResult real = TextPipeline.infer(tmp, data, "test", policy, 5);
        ExitResult sim = policy.apply(o);
        assertThat(real.exits()).containsExactly(sim.exits());
        assertThat(real.predictions()).containsExactly(sim.predictions());
    }
}
