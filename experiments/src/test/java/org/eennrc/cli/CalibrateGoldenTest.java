package org.eennrc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eenn calibrate --outputs} is now one {@link org.eennrc.core.Calibrator} call per (controller, ε); its output
 * must be byte for byte what the command printed before that change, on the same input. The golden files were
 * written by the earlier command (commit b584680) on {@link OutputsCliTest#outputs}(400, labelled).
 */
class CalibrateGoldenTest {
    @TempDir
    Path dir;

    private static String resource(String name) throws IOException {
        try (InputStream in = CalibrateGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void sameLinesAndPolicyAsBefore() throws IOException {
        OutputsCliTest fixture = new OutputsCliTest();
        fixture.dir = dir;
        Path npz = fixture.outputs(400, true);
        Path policy = dir.resolve("policy.json");
        String[][] commands = {
            {"calibrate", "--outputs", npz.toString(), "--risk", "prediction-gap", "--controller",
                "crc,ucb-wsr,ltt-fst,naive,ucb-hb,ltt-bonferroni-binomial", "--epsilon", "0.02,0.05,0.2"},
            {"calibrate", "--outputs", npz.toString(), "--risk", "brier-gap", "--confidence", "entropy",
                "--controller", "crc,ucb-wsr,ltt-fst", "--epsilon", "0.05,0.2", "--delta", "0.2"},
            {"calibrate", "--outputs", npz.toString(), "--risk", "prediction-consistency", "--confidence", "top-diff",
                "--controller", "ucb-wsr", "--epsilon", "0.1", "--save-policy", policy.toString()},
        };
        StringBuilder out = new StringBuilder();
        for (String[] c : commands) {
            EennCliTest.Result r = EennCliTest.run(c);
            assertThat(r.code()).as(r.err()).isZero();
            out.append(r.out());
        }
        assertThat(out.toString()).isEqualTo(resource("calibrate-outputs.jsonl"));
        assertThat(Files.readString(policy)).isEqualTo(resource("calibrate-policy.json"));
    }
}
