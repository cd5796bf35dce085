package org.eennrc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.core.ExitPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eenn calibrate/protocol --outputs}: the per-exit outputs of a model in, certified thresholds out. */
class OutputsCliTest {

    @TempDir
    Path dir;

    /**
     * N samples, 3 exits, 4 classes. Exit 3 is right on every sample; exit 1 (confidence 0.375) is right on
     * half of them, exit 2 (confidence 0.75) on 90 %. Flops 1, 2, 4.
     */
    Path outputs(int n, boolean labels) throws IOException {
        SplittableRandom rng = new SplittableRandom(5);
        int l = 3;
        int c = 4;
        double[] probs = new double[n * l * c];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(c);
            double[] conf = {0.375, 0.75, 0.875}; // exact in float32
            boolean[] right = {rng.nextDouble() < 0.5, rng.nextDouble() < 0.9, true};
            for (int e = 0; e < l; e++) {
                int pred = right[e] ? y[i] : (y[i] + 1) % c;
                for (int k = 0; k < c; k++) {
                    probs[(i * l + e) * c + k] = k == pred ? conf[e] : (1 - conf[e]) / (c - 1);
                }
            }
        }
        ExitOutputs.Builder b = ExitOutputs.builder(n, l, c).probs(probs).flops(new double[] {1, 2, 4});
        if (labels) b.labels(y);
        Path p = dir.resolve(labels ? "out.npz" : "unlabelled.npz");
        ExitOutputsNpz.write(p, b.build(), false);
        return p;
    }

    @Test
    void calibrateOnOutputsPrintsRiskLambdaAndSaving() throws IOException {
        Path npz = outputs(400, true);
        EennCliTest.Result r = EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk", "prediction-gap",
                "--controller", "crc,ucb-wsr,ltt-fst", "--epsilon", "0.02,0.2");
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> lines = r.lines();
        assertThat(lines).hasSize(6);
        for (JsonNode o : lines) {
            for (String key : List.of("risk", "controller", "epsilon", "delta", "n", "index", "lambda", "feasible",
                    "guarantee", "calibration_risk", "expected_saving", "confidence")) {
                assertThat(o.has(key)).as(key + " in " + o).isTrue();
            }
            assertThat(o.get("n").asInt()).isEqualTo(400);
            assertThat(o.get("risk").asText()).isEqualTo("prediction-gap");
            assertThat(o.get("saving_from").asText()).isEqualTo("flops");
            // λ = 1 − k/100
            assertThat(o.get("lambda").asDouble()).isCloseTo(1 - o.get("index").asInt() / 100.0, within(1e-12));
        }
        // CRC at ε = 0.2: exit 1 (conf 0.375) is wrong on ~half, so λ ≤ 0.37 (every sample leaves at exit 1)
        // fails; exit 2 (conf 0.75) is wrong on ~10 % < 0.2, so λ in [0.38, 0.75) is certified: the smallest is 0.38
        JsonNode crc = lines.get(1);
        assertThat(crc.get("controller").asText()).isEqualTo("crc");
        assertThat(crc.get("lambda").asDouble()).isCloseTo(0.38, within(1e-12));
        // every sample exits at exit 2: cost 2 of 4
        assertThat(crc.get("expected_saving").asDouble()).isCloseTo(0.5, within(1e-12));
        assertThat(crc.get("mean_exit_layer").asDouble()).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void savePolicyWritesALoadablePolicy() throws IOException {
        Path npz = outputs(300, false);
        Path policy = dir.resolve("policy.json");
        EennCliTest.Result r = EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk",
                "prediction-consistency", "--controller", "crc", "--epsilon", "0.2", "--save-policy", policy.toString());
        assertThat(r.code()).as(r.err()).isZero();
        ExitPolicy p = ExitPolicy.load(policy);
        assertThat(p.lambda()).isCloseTo(0.38, within(1e-12));
        assertThat(p.confidence()).isEqualTo("max-softmax");
        assertThat(p.certificate().controller()).isEqualTo("crc");
        assertThat(p.certificate().risk()).isEqualTo("prediction-consistency");
    }

    @Test
    void labelledRiskOnUnlabelledOutputsIsAClearError() throws IOException {
        Path npz = outputs(50, false);
        EennCliTest.Result r = EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk", "prediction-gap",
                "--controller", "crc", "--epsilon", "0.1");
        assertThat(r.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains("labels");
    }

    @Test
    void outputsNeedARiskAndRejectBoundAndLambdas() throws IOException {
        Path npz = outputs(50, true);
        assertThat(EennCliTest.run("calibrate", "--outputs", npz.toString(), "--controller", "crc", "--epsilon", "0.1")
                .err()).contains("--outputs needs --risk").contains("brier-gap");
        assertThat(EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk", "nope", "--controller", "crc",
                "--epsilon", "0.1").err()).contains("unknown risk 'nope'");
        assertThat(EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk", "brier-gap", "--bound", "3",
                "--controller", "crc", "--epsilon", "0.1").err()).contains("--bound does not apply");
        assertThat(EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk", "brier-gap",
                "--confidence", "wobble", "--controller", "crc", "--epsilon", "0.1").err())
                .contains("unknown confidence measure 'wobble'");
    }

    @Test
    void truncatedNpzIsNamed() throws IOException {
        Path npz = outputs(50, true);
        byte[] b = Files.readAllBytes(npz);
        Path cut = dir.resolve("cut.npz");
        Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
        EennCliTest.Result r = EennCliTest.run("calibrate", "--outputs", cut.toString(), "--risk", "brier-gap",
                "--controller", "crc", "--epsilon", "0.1");
        assertThat(r.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains("cut.npz");
    }

    @Test
    void protocolOnOutputsTakesTheCostFromFlops() throws IOException {
        Path npz = outputs(600, true);
        EennCliTest.Result r = EennCliTest.run("protocol", "--outputs", npz.toString(), "--risk", "brier-gap",
                "--controllers", "crc,ltt-fst", "--epsilons", "0.05,0.3", "--n-cal", "200", "--trials", "20",
                "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> lines = r.lines();
        assertThat(lines).hasSize(4);
        for (JsonNode o : lines) {
            // cost is between exit 1's flops and the full model's
            assertThat(o.get("mean_efficiency").asDouble()).isBetween(1.0, 4.0);
            assertThat(o.get("relative_saving").asDouble()).isBetween(0.0, 0.75);
        }
        Path losses = dir.resolve("l.csv");
        Files.writeString(losses, "0,0,0\n0,1,0\n");
        EennCliTest.Result noEff = EennCliTest.run("protocol", "--losses", losses.toString(), "--controllers", "crc",
                "--n-cal", "2");
        assertThat(noEff.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(noEff.err()).contains("--efficiency is required");
    }
}
