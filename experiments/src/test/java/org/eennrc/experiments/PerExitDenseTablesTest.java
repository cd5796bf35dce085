package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eennrc.cli.EennCli;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.core.ExitPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-exit thresholds (method.md §7) on table-only dense outputs (method.md §6): only N x L tables, no pixels. */
class PerExitDenseTablesTest {
    @TempDir
    Path dir;

    @Test
    void perExitThresholdsCalibrateAndReproduceFromLossTablesAlone() throws Exception {
        Path npz = dir.resolve("dense.npz");
        ExitOutputsNpz.write(npz, DenseTablesReproduceTest.denseOutputs(400, 5), true);
        Path policy = dir.resolve("policy.json");
        StringWriter so = new StringWriter();
        StringWriter se = new StringWriter();
        int code = EennCli.run(new String[] {"calibrate", "--outputs", npz.toString(), "--risk", "miscoverage",
            "--confidence", "provided", "--controller", "pareto-ltt", "--per-exit", "--grid", "0:1:0.1", "--epsilon",
            "0.1", "--save-policy", policy.toString()}, new PrintWriter(so), new PrintWriter(se));
        assertThat(code).as(se.toString()).isZero();
        JsonNode o = new ObjectMapper().readTree(so.toString().strip());
        assertThat(o.get("risk").asText()).isEqualTo("miscoverage");
        assertThat(o.get("num_configurations").asInt()).isEqualTo(121);
        ExitPolicy p = ExitPolicy.load(policy);
        assertThat(p.isPerExit()).isTrue();
        assertThat(p.exits(ExitOutputsNpz.read(npz))).hasSize(400);

        Path cfg = dir.resolve("dense.yaml");
        Files.writeString(cfg, """
                name: dense-per-exit
                data: {type: outputs, path: dense.npz}
                confidence: provided
                risks: [miscoverage]
                controllers: [ucb-wsr]
                lambda_grid: {size: 21}
                protocol:
                  epsilons: [0.05, 0.1]
                  delta: 0.1
                  n_cal: [200]
                  trials: 3
                  seed: 3
                per_exit:
                  controllers: [pareto-ltt]
                  grid: "0:1:0.1"
                """);
        Path out = dir.resolve("report");
        StringWriter se2 = new StringWriter();
        code = EennCli.run(new String[] {"reproduce", cfg.toString(), "--out", out.toString(), "--quiet"},
                new PrintWriter(new StringWriter()), new PrintWriter(se2));
        assertThat(code).as(se2.toString()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).hasSize(1 + 2 * 2);
        assertThat(csv.get(3)).startsWith("miscoverage,200,pareto-ltt,high_probability,0.05,");
    }
}
