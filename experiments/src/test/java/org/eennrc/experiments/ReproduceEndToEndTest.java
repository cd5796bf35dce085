package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.eennrc.cli.EennCli;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code outputs} experiment end to end on a tiny synthetic npz written here: CSV, JSON, PNG, report.md. */
public class ReproduceEndToEndTest {
    @TempDir
    Path dir;

    public static void writeSyntheticOutputs(Path file, int n, long seed) throws Exception {
        int exits = 3;
        int classes = 4;
        Random rng = new Random(seed);
        float[] logits = new float[n * exits * classes];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(classes);
            for (int l = 0; l < exits; l++) {
                for (int c = 0; c < classes; c++) {
                    logits[(i * exits + l) * classes + c] = (float) (rng.nextGaussian() + (c == labels[i] ? 1.5 * (l + 1) : 0));
                }
            }
        }
        ExitOutputs o = ExitOutputs.builder(n, exits, classes).logits(logits).labels(labels).flops(new double[] {1, 2, 3}).build();
        ExitOutputsNpz.write(file, o, true);
    }

    @Test
    void reproduceWritesEveryArtefactAtomically() throws Exception {
        writeSyntheticOutputs(dir.resolve("tiny.npz"), 300, 7);
        Path cfg = dir.resolve("tiny.yaml");
        Files.writeString(cfg, """
                name: tiny-outputs
                data: {type: outputs, path: tiny.npz}
                risks: [prediction-gap, hellinger-consistency]
                controllers: [naive, crc, ucb-wsr, ltt-fst]
                lambda_grid: {size: 21}
                protocol:
                  epsilons: [0.05, 0.1, 0.2]
                  delta: 0.1
                  n_cal: [50, 100]
                  trials: 5
                  seed: 3
                """);
        Path out = dir.resolve("report");
        Files.createDirectories(out); // an empty folder may be used
        StringWriter so = new StringWriter();
        StringWriter se = new StringWriter();
        int code = EennCli.run(new String[] {"reproduce", cfg.toString(), "--out", out.toString()},
                new PrintWriter(so), new PrintWriter(se));
        assertThat(code).as(se.toString()).isZero();
        assertThat(so.toString().strip()).isEqualTo(out.resolve("report.md").toString());
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .as("no temporary folder left beside the report")
                    .containsExactlyInAnyOrder("tiny.npz", "tiny.yaml", "report");
        }
        assertThat(Files.readAllLines(out.resolve(".eenn-report"))).contains("results.csv", "report.md", "config.yaml");

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv.get(0)).isEqualTo(String.join(",", ReportWriter.COLUMNS));
        assertThat(csv).hasSize(1 + 2 * 2 * 4 * 3); // risks × n_cal × controllers × ε
        assertThat(csv.get(1)).startsWith("prediction-gap,50,naive,none,0.05,0.1,5,");

        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(json.get("experiment").asText()).isEqualTo("tiny-outputs");
        assertThat(json.get("risks")).hasSize(2);
        assertThat(json.get("risks").get(0).get("runs").get(1).get("rows")).hasSize(12);
        assertThat(json.get("provenance").get("available_processors").asInt()).isPositive();
        assertThat(json.get("provenance").get("config_hash").asText()).hasSize(64);
        assertThat(json.get("provenance").get("data").get("outputs").get("sha256").asText()).hasSize(64);

        for (String png : List.of("fig-prediction-gap-ncal50.png", "fig-hellinger-consistency-ncal100.png")) {
            byte[] b = Files.readAllBytes(out.resolve(png));
            assertThat(b).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("# Reproduction: tiny-outputs", "![prediction-gap, n_cal 50](fig-prediction-gap-ncal50.png)",
                "## Claims of method.md §5", "## Provenance", "\"libraries\"");
        assertThat(Files.readString(out.resolve("config.yaml"))).isEqualTo(Files.readString(cfg));
    }

    @Test
    void configErrorsExitWithCodeOneAndThePreciseMessage() throws Exception {
        Path cfg = dir.resolve("bad.yaml");
        Files.writeString(cfg, "name: bad\ndata: {type: outputs, path: missing.npz}\nrisks: [prediction-gap]\n"
                + "controllers: [crc]\nprotocol: {epsilons: 0.1, n_cal: 10}\n");
        StringWriter se = new StringWriter();
        int code = EennCli.run(new String[] {"reproduce", cfg.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(se));
        assertThat(code).isEqualTo(1);
        assertThat(se.toString()).contains(cfg + ": data.path: file not found: " + dir.resolve("missing.npz"));
    }

    @Test
    void wordnetTransformerRejectsAnUnsupportedSplitBeforeTraining() throws Exception {
        Path cfg = Path.of("..", "configs", "wordnet-transformer.yaml");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(cfg));
        Path bad = dir.resolve("wordnet-bad-split.yaml");
        Files.writeString(bad, Files.readString(cfg).replace("split_seed: 20240520", "split_seed: 7"));
        StringWriter se = new StringWriter();
        int code = EennCli.run(new String[] {"reproduce", bad.toString(), "--out", dir.resolve("w").toString(), "--quiet",
            "--cache-dir", dir.resolve("cache").toString()}, new PrintWriter(new StringWriter()), new PrintWriter(se));
        assertThat(code).isEqualTo(1);
        assertThat(se.toString()).contains(bad + ": data.split_seed: eenn-models' WordNet split is fixed at seed 20240520");
        assertThat(dir.resolve("w")).doesNotExist();
    }
}
