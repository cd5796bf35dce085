package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.eennrc.cli.EennCli;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.core.dense.DenseOutputsBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dense per-exit loss tables (method.md §6) through {@code eenn reproduce}: streamed by DenseOutputsBuilder, saved as
 * a table-only npz, calibrated by risk name with the provided confidence, with the permutation baselines.
 */
class DenseTablesReproduceTest {
    @TempDir
    Path dir;

    /** Synthetic 8 × 8 maps of 3 classes at 3 exits; harder images (more noise) are less confident at every exit. */
    static ExitOutputs denseOutputs(int n, long seed) {
        int l = 3;
        int c = 3;
        int hw = 64;
        Random r = new Random(seed);
        DenseOutputsBuilder b = DenseOutputsBuilder.builder(l, c, 8, 8).confidence("top1:quantile-0.25").seed(seed)
                .build();
        for (int i = 0; i < n; i++) {
            double hard = r.nextDouble();
            int[] truth = new int[hw];
            for (int u = 0; u < hw; u++) truth[u] = r.nextInt(12) == 0 ? 255 : (u / 8 < 4 ? 0 : 1 + (u % 2));
            float[][] probs = new float[l][c * hw];
            for (int e = 0; e < l; e++) {
                for (int u = 0; u < hw; u++) {
                    int y = truth[u] == 255 ? 0 : truth[u];
                    double[] z = new double[c];
                    double s = 0;
                    for (int k = 0; k < c; k++) {
                        z[k] = Math.exp((k == y ? 3.0 : 0) + (3 * hard + 0.3) * (l - e) * r.nextGaussian() / l);
                        s += z[k];
                    }
                    for (int k = 0; k < c; k++) probs[e][k * hw + u] = (float) (z[k] / s);
                }
            }
            b.add(probs, truth);
        }
        return b.build(new double[] {1, 2, 3});
    }

    @Test
    void denseTablesReproduceWithBaselines() throws Exception {
        ExitOutputsNpz.write(dir.resolve("dense.npz"), denseOutputs(300, 5), true);
        Path cfg = dir.resolve("dense.yaml");
        Files.writeString(cfg, """
                name: dense-tables
                data: {type: outputs, path: dense.npz}
                confidence: provided
                risks: [miscoverage, miou-gap, "table:pixel-brier-gap"]
                controllers: [crc, ucb-wsr]
                lambda_grid: {size: 21}
                protocol:
                  epsilons: [0.05, 0.1]
                  delta: 0.1
                  n_cal: [100]
                  trials: 4
                  seed: 3
                  baselines: true
                """);
        Path out = dir.resolve("report");
        StringWriter se = new StringWriter();
        int code = EennCli.run(new String[] {"reproduce", cfg.toString(), "--out", out.toString(), "--quiet"},
                new PrintWriter(new StringWriter()), new PrintWriter(se));
        assertThat(code).as(se.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(json.get("risks")).hasSize(3);
        assertThat(json.get("risks").get(0).get("loss_upper_bound").asDouble()).isEqualTo(1.0);
        assertThat(json.get("risks").get(1).get("loss_lower_bound").asDouble()).isEqualTo(-1.0);
        assertThat(json.get("risks").get(2).get("risk").asText()).isEqualTo("table:pixel-brier-gap");
        assertThat(json.get("risks").get(2).get("loss_upper_bound").asDouble()).isEqualTo(2.0);
        for (JsonNode risk : json.get("risks")) {
            JsonNode run = risk.get("runs").get(0);
            JsonNode rows = run.get("rows");
            JsonNode baselines = run.get("baselines");
            assertThat(baselines).hasSize(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                JsonNode row = rows.get(i);
                JsonNode b = baselines.get(i);
                assertThat(b.get("controller").asText()).isEqualTo(row.get("controller").asText());
                assertThat(b.get("epsilon").asDouble()).isEqualTo(row.get("epsilon").asDouble());
                // the real exits are the protocol's: same test risk and cost
                assertThat(b.get("real_risk").asDouble()).isCloseTo(row.get("mean_risk").asDouble(), within(1e-9));
                assertThat(b.get("real_cost").asDouble()).isCloseTo(row.get("mean_efficiency").asDouble(), within(1e-9));
                assertThat(b.get("permuted_cost").asDouble()).isCloseTo(b.get("real_cost").asDouble(), within(1e-9));
            }
        }
        // on miscoverage the confidence ranking beats the permuted exits at the same cost, for the least
        // conservative controller at the largest ε
        JsonNode mis = json.get("risks").get(0).get("runs").get(0).get("baselines").get(1);
        assertThat(mis.get("real_cost").asDouble()).isLessThan(2.9);
        assertThat(mis.get("real_risk").asDouble()).isLessThan(mis.get("permuted_risk").asDouble());
        assertThat(Files.readString(out.resolve("report.md"))).contains("Permutation baselines at each controller's λ̂");

        // the same file on the command line, by risk name with the provided confidence
        StringWriter so = new StringWriter();
        StringWriter err = new StringWriter();
        String npz = dir.resolve("dense.npz").toString();
        code = EennCli.run(new String[] {"calibrate", "--outputs", npz, "--risk", "miou-gap", "--confidence",
            "provided", "--controller", "crc", "--epsilon", "0.05"}, new PrintWriter(so), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        JsonNode line = new ObjectMapper().readTree(so.toString().strip());
        assertThat(line.get("risk").asText()).isEqualTo("miou-gap");
        assertThat(line.get("bound").asDouble()).isEqualTo(1.0);
        // the default confidence needs probabilities: a clear refusal
        err = new StringWriter();
        code = EennCli.run(new String[] {"calibrate", "--outputs", npz, "--risk", "miscoverage", "--controller", "crc",
            "--epsilon", "0.05"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("confidence measure 'max-softmax' cannot be used", "'provided'");
    }
}
