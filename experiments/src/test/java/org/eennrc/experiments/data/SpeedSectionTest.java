package org.eennrc.experiments.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eennrc.core.ExitOutputs;
import org.eennrc.experiments.config.ConfigLoader;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.SpeedTest;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;
import org.eennrc.models.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's measured real early exit on a tiny ResNet trained on real Fashion-MNIST images (the Debian package,
 * installed by .ci/run): both model forms are calibrated on their own outputs, timed on the other half, and real
 * early exit makes the simulated decisions in each.
 */
class SpeedSectionTest {
    @TempDir
    Path tmp;

    @Test
    void bothFormsAreCertifiedOnTheirOwnOutputsAndMakeTheSimulatedDecisions() throws Exception {
        Dl4jRuntime.init();
        FashionMnist fm = FashionMnist.load(null, 100, 7);
        Trainer.TrainResult t = Trainer.train(MultiExitResNetConfig.tiny(), TrainConfig.builder().epochs(1).batchSize(32)
                .validationSize(100).splitSeed(7).build(), fm.train().range(0, 640), fm.validation(), tmp.resolve("m"),
                false, TrainingListener.SILENT);
        ImageSet set = fm.test().range(0, 300);
        ComputationGraphModel model = MultiExitResNet.earlyExitModel(t.model(), t.graph());
        ComputationGraphModel folded = model.withFoldedBatchNorm();
        ExitOutputs o = model.outputs(set.iterator(100));
        ExperimentConfig c = ConfigLoader.parse("""
                name: t
                data: {type: fashion-mnist}
                model: {type: multi-exit-resnet}
                confidence: max-softmax
                risks: [prediction-gap]
                controllers: [crc]
                protocol: {epsilons: 0.1, n_cal: 100}
                speed: {epsilon: 0.1, batch: 32, repeats: 1, latency_samples: 5, seed: 3}
                """, "t.yaml", false);
        Map<String, Object> prov = new LinkedHashMap<>();
        ReportSection s = SpeedSection.measure(c, List.of(new SpeedSection.Form("as trained", o, model.predictor()),
                        new SpeedSection.Form("batch norm folded", folded.outputs(set.iterator(100)), folded.predictor())),
                idx -> SpeedTest.inputs(set.subset(idx)), set.labels(), model.cumulativeCost(), line -> { }, prov);
        assertThat(s.title()).isEqualTo("Real early exit, measured");
        assertThat(s.markdown()).contains("| as trained |", "| batch norm folded |", "certifies prediction-gap at ε = 0.1",
                "on 150 of the 300 exported images (seed 3)").doesNotContain("NO");
        @SuppressWarnings("unchecked")
        Map<String, Object> speed = (Map<String, Object>) prov.get("speed");
        assertThat(speed).containsEntry("test_images", 150).containsEntry("latency_samples", 5);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> forms = (Map<String, Map<String, Object>>) speed.get("forms");
        assertThat(forms).containsOnlyKeys("as trained", "batch norm folded");
        for (Map<String, Object> f : forms.values()) {
            assertThat(f).containsEntry("same_decisions_as_simulated", true);
            assertThat((int[]) f.get("exit_histogram")).matches(h -> java.util.Arrays.stream(h).sum() == 150);
            assertThat((double) f.get("measured_speedup")).isPositive();
            assertThat((double) f.get("flops_predicted_speedup")).isGreaterThanOrEqualTo(1.0);
        }
    }
}
