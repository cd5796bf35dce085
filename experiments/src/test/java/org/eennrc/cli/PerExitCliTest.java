package org.eennrc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eennrc.core.ExitPolicy;
import org.eennrc.experiments.ReproduceEndToEndTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --per-exit} on eenn calibrate and eenn protocol, and the {@code per_exit} block of eenn reproduce. */
class PerExitCliTest {
    @TempDir
    Path dir;
    Path npz;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter so = new StringWriter();
        StringWriter se = new StringWriter();
        int code = EennCli.run(args, new PrintWriter(so), new PrintWriter(se));
        return new Run(code, so.toString(), se.toString());
    }

    @BeforeEach
    void outputs() throws Exception {
        npz = dir.resolve("tiny.npz");
        ReproduceEndToEndTest.writeSyntheticOutputs(npz, 600, 7);
    }

    @Test
    void calibratePerExitPrintsTheChoiceAndSavesAVersionThreePolicy() throws Exception {
        Path policy = dir.resolve("policy.json");
        Run r = run("calibrate", "--outputs", npz.toString(), "--risk", "prediction-gap", "--controller", "pareto-ltt",
                "--per-exit", "--grid", "0:1:0.25", "--epsilon", "0.1", "--save-policy", policy.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode o = new ObjectMapper().readTree(r.out().strip());
        assertThat(o.get("controller").asText()).isEqualTo("pareto-ltt");
        assertThat(o.get("num_configurations").asInt()).isEqualTo(25); // 5^2 for 3 exits
        assertThat(o.get("n_opt").asInt()).isEqualTo(300);
        assertThat(o.get("n_test").asInt()).isEqualTo(300);
        assertThat(o.get("thresholds")).hasSize(2);
        assertThat(o.get("p_values")).hasSize(o.get("path").size());
        assertThat(o.get("saving_from").asText()).isEqualTo("flops");
        ExitPolicy p = ExitPolicy.load(policy);
        assertThat(p.isPerExit()).isTrue();
        assertThat(p.thresholds()[0]).isEqualTo(o.get("thresholds").get(0).asDouble());
        assertThat(p.certificate().configurations()).contains("product(").contains("D_opt fraction 0.5");
        assertThat(Files.readString(policy)).contains("\"version\": 3");
    }

    @Test
    void protocolRunsPerExitNextToSharedControllersAndDrawsTheChart() throws Exception {
        Path out = dir.resolve("res");
        Run r = run("protocol", "--outputs", npz.toString(), "--risk", "prediction-gap", "--controllers",
                "crc,pareto-ltt,ltt-fst", "--per-exit", "--grid", "0:1:0.1", "--n-cal", "200", "--trials", "4",
                "--epsilons", "0.05,0.1", "--quiet", "--out", out.toString(), "--chart");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().strip().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(4)).contains("\"controller\":\"pareto-ltt\"");
        assertThat(Files.readAllBytes(out.resolve("protocol.png"))).startsWith((byte) 0x89, (byte) 'P');
        JsonNode prov = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertThat(prov.toString()).contains("\"num_configurations\":121");
    }

    @Test
    void controllersListsThePerExitOnes() {
        Run r = run("controllers");
        assertThat(r.out()).containsPattern("(?m)^pareto-ltt +P\\(R <= eps\\) >= 1 - delta  \\(one threshold per exit");
        assertThat(r.out()).contains("pareto-ltt-bonferroni", "pareto-ltt-fst-binomial");
    }

    @Test
    void misuseIsRefusedWithItsReason() {
        Run a = run("calibrate", "--outputs", npz.toString(), "--risk", "prediction-gap", "--controller", "pareto-ltt",
                "--epsilon", "0.1");
        assertThat(a.code()).isNotZero();
        assertThat(a.err()).contains("add --per-exit");
        Run b = run("calibrate", "--outputs", npz.toString(), "--risk", "prediction-gap", "--controller", "crc",
                "--epsilon", "0.1", "--grid", "0:1:0.1");
        assertThat(b.err()).contains("need --per-exit");
        Run c = run("calibrate", "--outputs", npz.toString(), "--risk", "prediction-gap", "--controller",
                "pareto-ltt,crc", "--per-exit", "--epsilon", "0.1");
        assertThat(c.err()).contains("crc share one threshold");
        Run d = run("calibrate", "--outputs", npz.toString(), "--risk", "prediction-gap", "--controller", "pareto-ltt",
                "--per-exit", "--grid", "0:2:0.5", "--epsilon", "0.1");
        assertThat(d.err()).contains("outside [0, 1]");
        Run e = run("protocol", "--outputs", npz.toString(), "--risk", "prediction-gap", "--controllers", "crc",
                "--chart");
        assertThat(e.err()).contains("--chart needs --out");
    }

    @Test
    void reproduceConfigsAskForPerExitControllers() throws Exception {
        Path cfg = dir.resolve("tiny.yaml");
        String base = """
                name: tiny-per-exit
                data: {type: outputs, path: tiny.npz}
                risks: [prediction-gap]
                controllers: [crc, ltt-fst]
                lambda_grid: {size: 21}
                protocol:
                  epsilons: [0.05, 0.1]
                  delta: 0.1
                  n_cal: [200]
                  trials: 3
                  seed: 3
                """;
        Files.writeString(cfg, base + "per_exit:\n  controllers: [pareto-ltt]\n  grid: \"0:1:0.1\"\n");
        Path out = dir.resolve("report");
        Run r = run("reproduce", cfg.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).hasSize(1 + 3 * 2);
        assertThat(csv.get(5)).startsWith("prediction-gap,200,pareto-ltt,high_probability,0.05,");
        Files.writeString(cfg, base + "per_exit:\n  controllers: [ltt-fst]\n");
        Run bad = run("reproduce", cfg.toString(), "--out", dir.resolve("r2").toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("per_exit.controllers[0]").contains("not a per-exit controller");
        Files.writeString(cfg, base + "per_exit:\n  controllers: [pareto-ltt]\n  split_fraction: 1.5\n");
        assertThat(run("reproduce", cfg.toString(), "--out", dir.resolve("r3").toString()).err())
                .contains("per_exit.split_fraction");
    }
}
