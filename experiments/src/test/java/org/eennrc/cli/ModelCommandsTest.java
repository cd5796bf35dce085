package org.eennrc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model commands end to end on a tiny network and real Fashion-MNIST images: train, export, calibrate on the
 * exported outputs, save the policy, and run real early exit with it. Needs the Debian package
 * dataset-fashion-mnist (installed by .ci/run).
 */
class ModelCommandsTest {

    @TempDir
    Path dir;

    @Test
    void trainExportCalibrateInfer() {
        Path model = dir.resolve("model");
        EennCliTest.Result train = EennCliTest.run("train", "--tiny", "--out", model.toString(), "--epochs", "1",
                "--max-train-images", "512", "--batch-size", "64", "--seed", "7");
        assertThat(train.code()).as(train.err()).isZero();
        JsonNode t = train.lines().get(0);
        assertThat(t.get("epochs_completed").asInt()).isEqualTo(1);
        assertThat(t.get("validation_accuracy_per_exit")).hasSize(3);

        Path npz = dir.resolve("val.npz");
        EennCliTest.Result export = EennCliTest.run("export", "--model", model.toString(), "--split", "validation",
                "--out", npz.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(Files.exists(npz)).isTrue();
        assertThat(export.lines().get(0).get("exits").asInt()).isEqualTo(3);

        Path policy = dir.resolve("policy.json");
        EennCliTest.Result cal = EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk",
                "prediction-consistency", "--controller", "crc", "--epsilon", "0.2", "--save-policy", policy.toString());
        assertThat(cal.code()).as(cal.err()).isZero();
        JsonNode c = cal.lines().get(0);

        EennCliTest.Result infer = EennCliTest.run("infer", "--model", model.toString(), "--policy", policy.toString(),
                "--split", "validation", "--batch-size", "50");
        assertThat(infer.code()).as(infer.err()).isZero();
        JsonNode i = infer.lines().get(0);
        // real early exit on the calibration outputs' own samples gives exactly the simulated mean exit layer
        assertThat(i.get("mean_exit_layer").asDouble()).isEqualTo(c.get("mean_exit_layer").asDouble(),
                org.assertj.core.api.Assertions.within(1e-9));
        int total = 0;
        for (JsonNode h : i.get("exit_histogram")) total += h.asInt();
        assertThat(total).isEqualTo(i.get("samples").asInt());
        assertThat(i.get("batch_norm_folded").asBoolean()).isFalse();

        // batch norm folded into the convolutions: the same samples and (up to float rounding) the same answers
        EennCliTest.Result folded = EennCliTest.run("infer", "--model", model.toString(), "--policy",
                policy.toString(), "--split", "validation", "--batch-size", "50", "--fold-batch-norm");
        assertThat(folded.code()).as(folded.err()).isZero();
        JsonNode f = folded.lines().get(0);
        assertThat(f.get("batch_norm_folded").asBoolean()).isTrue();
        assertThat(f.get("samples").asInt()).isEqualTo(i.get("samples").asInt());
        assertThat(f.get("mean_exit_layer").asDouble()).isCloseTo(i.get("mean_exit_layer").asDouble(),
                org.assertj.core.api.Assertions.within(0.01));

        // calibrated on folded outputs, folded real early exit is exactly the simulated exit again
        Path foldedNpz = dir.resolve("val-folded.npz");
        EennCliTest.Result fx = EennCliTest.run("export", "--model", model.toString(), "--split", "validation",
                "--out", foldedNpz.toString(), "--fold-batch-norm");
        assertThat(fx.code()).as(fx.err()).isZero();
        assertThat(fx.lines().get(0).get("batch_norm_folded").asBoolean()).isTrue();
        Path foldedPolicy = dir.resolve("policy-folded.json");
        EennCliTest.Result fc = EennCliTest.run("calibrate", "--outputs", foldedNpz.toString(), "--risk",
                "prediction-consistency", "--controller", "crc", "--epsilon", "0.2", "--save-policy",
                foldedPolicy.toString());
        assertThat(fc.code()).as(fc.err()).isZero();
        EennCliTest.Result fi = EennCliTest.run("infer", "--model", model.toString(), "--policy",
                foldedPolicy.toString(), "--split", "validation", "--batch-size", "50", "--fold-batch-norm");
        assertThat(fi.code()).as(fi.err()).isZero();
        assertThat(fi.lines().get(0).get("mean_exit_layer").asDouble())
                .isEqualTo(fc.lines().get(0).get("mean_exit_layer").asDouble(), org.assertj.core.api.Assertions.within(1e-9));
    }

    /** The same chain for the WordNet transformer (needs wordnet-base): a 1-epoch model on 256 real glosses. */
    @Test
    void transformerTrainExportCalibrateInfer() {
        Path model = dir.resolve("tx");
        EennCliTest.Result train = EennCliTest.run("train", "--model", "transformer", "--out", model.toString(),
                "--epochs", "1", "--max-train-images", "256", "--batch-size", "32", "--seed", "3");
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.lines().get(0).get("validation_accuracy_per_exit")).hasSize(6);

        Path npz = dir.resolve("tx-val.npz");
        EennCliTest.Result export = EennCliTest.run("export", "--model", model.toString(), "--split", "validation",
                "--out", npz.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.lines().get(0).get("exits").asInt()).isEqualTo(6);

        Path policy = dir.resolve("tx-policy.json");
        EennCliTest.Result cal = EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk",
                "prediction-consistency", "--controller", "crc", "--epsilon", "0.1", "--save-policy", policy.toString());
        assertThat(cal.code()).as(cal.err()).isZero();
        JsonNode c = cal.lines().get(0);

        EennCliTest.Result infer = EennCliTest.run("infer", "--model", model.toString(), "--policy", policy.toString(),
                "--split", "validation", "--batch-size", "64");
        assertThat(infer.code()).as(infer.err()).isZero();
        JsonNode i = infer.lines().get(0);
        // real block-by-block exit on the calibration texts reproduces the simulated mean exit layer
        assertThat(i.get("mean_exit_layer").asDouble()).isEqualTo(c.get("mean_exit_layer").asDouble(),
                org.assertj.core.api.Assertions.within(1e-9));
        assertThat(i.get("samples").asInt()).isEqualTo(c.get("n").asInt());
        EennCliTest.Result fold = EennCliTest.run("infer", "--model", model.toString(), "--policy", policy.toString(),
                "--fold-batch-norm");
        assertThat(fold.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(fold.err()).contains("--fold-batch-norm: the transformer has no batch norm to fold");
    }

    @Test
    void badModelAndPolicyAreClearErrors() {
        EennCliTest.Result r = EennCliTest.run("infer", "--model", dir.resolve("nope").toString(), "--policy",
                dir.resolve("p.json").toString());
        assertThat(r.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains("--policy: file not found");
        EennCliTest.Result m = EennCliTest.run("train", "--model", "lstm", "--out", dir.resolve("x").toString());
        assertThat(m.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(m.err()).contains("--model: unknown model 'lstm'; known: resnet, transformer");
        EennCliTest.Result e = EennCliTest.run("export", "--model", dir.resolve("nope").toString(), "--out",
                dir.resolve("x.npz").toString(), "--split", "holdout");
        assertThat(e.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(e.err()).contains("--split: unknown value 'holdout'");
    }
}
