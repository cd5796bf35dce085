package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.eennrc.cli.EennCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eenn reproduce} of a Fashion-MNIST-scenes config end to end on a tiny network and synthetic IDX files: trains
 * (seconds), streams the dense tables, runs the protocol with the permutation baselines, and writes the report with
 * the per-exit segmentation table and the picture grid; a second run reuses the cached model.
 */
class FashionScenesReproduceTest {
    @TempDir
    Path dir;

    @Test
    void trainsStreamsAndReportsThenReusesTheModel() throws Exception {
        Path fm = dir.resolve("fm");
        Files.createDirectories(fm);
        writeIdx(fm, "train", 200, 1);
        writeIdx(fm, "t10k", 60, 2);
        Path cfg = dir.resolve("scenes.yaml");
        Files.writeString(cfg, """
                name: tiny-scenes
                data:
                  type: fashion-scenes
                  dir: fm
                  train_scenes: 32
                  validation_scenes: 8
                  scenes: 40
                  validation_size: 40
                  batch_size: 16
                  pictures: 3
                model:
                  type: multi-exit-segnet
                  stem_width: 4
                  widths: [4, 4, 4, 4]
                training: {epochs: 1, batch_size: 16, eval_batch_size: 8}
                risks: [miscoverage, miou-gap]
                controllers: [crc, ucb-wsr]
                lambda_grid: {size: 21}
                protocol:
                  epsilons: [0.1, 0.2]
                  n_cal: [20]
                  trials: 3
                  seed: 1
                  baselines: true
                """);
        Path cache = dir.resolve("cache");
        StringWriter se = new StringWriter();
        int code = EennCli.run(new String[] {"reproduce", cfg.toString(), "--out", dir.resolve("r1").toString(),
            "--cache-dir", cache.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(se));
        assertThat(code).as(se.toString()).isZero();
        assertThat(se.toString()).contains("training the multi-exit segmentation network")
                .contains("streaming the outputs of every exit on 40 scenes");
        Path r1 = dir.resolve("r1");
        assertThat(r1.resolve("scenes-grid.png")).isRegularFile();
        String md = Files.readString(r1.resolve("report.md"));
        assertThat(md).contains("## Segmentation quality and pictures").contains("![scenes](scenes-grid.png)")
                .contains("| exit | cumulative MACs | pixel accuracy | mIoU |")
                .contains("Permutation baselines");
        JsonNode json = new ObjectMapper().readTree(r1.resolve("results.json").toFile());
        JsonNode data = json.get("provenance").get("data");
        assertThat(data.get("per_exit_pixel_accuracy")).hasSize(4);
        assertThat(data.get("per_exit_miou")).hasSize(4);
        assertThat(data.get("trained").asBoolean()).isTrue();
        assertThat(json.get("risks")).hasSize(2);
        assertThat(json.get("risks").get(0).get("num_samples").asInt()).isEqualTo(40);

        StringWriter se2 = new StringWriter();
        code = EennCli.run(new String[] {"reproduce", cfg.toString(), "--out", dir.resolve("r2").toString(),
            "--cache-dir", cache.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(se2));
        assertThat(code).as(se2.toString()).isZero();
        assertThat(se2.toString()).contains("reusing the cached model").doesNotContain("training the multi-exit");
        // same model, same scenes: the same per-exit quality
        JsonNode data2 = new ObjectMapper().readTree(dir.resolve("r2").resolve("results.json").toFile())
                .get("provenance").get("data");
        assertThat(data2.get("per_exit_pixel_accuracy")).isEqualTo(data.get("per_exit_pixel_accuracy"));
    }

    /** n synthetic 28×28 items: a bright block whose position and size depend on the class (label i % 10). */
    private static void writeIdx(Path dir, String name, int n, long seed) throws IOException {
        Random r = new Random(seed);
        try (var out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(
                dir.resolve(name + "-images-idx3-ubyte.gz"))))) {
            out.writeInt(0x803);
            out.writeInt(n);
            out.writeInt(28);
            out.writeInt(28);
            for (int i = 0; i < n; i++) {
                int c = i % 10;
                for (int p = 0; p < 784; p++) {
                    int row = p / 28;
                    int col = p % 28;
                    boolean inside = row >= 2 + c && row < 26 && col >= 4 && col < 14 + c;
                    out.writeByte(inside ? 80 + r.nextInt(170) : 0);
                }
            }
        }
        try (var out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(
                dir.resolve(name + "-labels-idx1-ubyte.gz"))))) {
            out.writeInt(0x801);
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeByte(i % 10);
            }
        }
    }
}
