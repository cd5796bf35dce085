package org.eennrc.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eennrc.cli.EennCli;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.models.data.FashionMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eenn train --spark} and {@code eenn export --spark} through the CLI, which finds this module's runner by
 * ServiceLoader: the training folder is the single-JVM one (checkpoints, model, provenance), and the Spark export is
 * the single-JVM export's npz.
 */
class SparkCliTest {

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out.lines().filter(l -> !l.isBlank()).findFirst().orElseThrow());
        }
    }

    static Run eenn(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EennCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void trainAndExportOnSpark(@TempDir Path dir) throws Exception {
        assumeTrue(FashionMnist.isAvailable(null), "needs Fashion-MNIST (apt-get install dataset-fashion-mnist)");
        Path model = dir.resolve("model");
        Run train = eenn("train", "--spark", "local[2]", "--averaging-frequency", "2", "--tiny", "--out",
                model.toString(), "--epochs", "1", "--max-train-images", "512", "--batch-size", "32", "--seed", "7");
        assertThat(train.code()).as(train.err()).isZero();
        JsonNode t = train.json();
        assertThat(t.get("spark_master").asText()).isEqualTo("local[2]");
        assertThat(t.get("epochs_completed").asInt()).isEqualTo(1);
        assertThat(t.get("validation_accuracy_per_exit")).hasSize(3);
        assertThat(model.resolve("model.zip")).isRegularFile();
        assertThat(model.resolve("checkpoints/epoch-0001.zip")).isRegularFile();

        Path spark = dir.resolve("spark.npz");
        Path one = dir.resolve("one.npz");
        Run e1 = eenn("export", "--spark", "local[2]", "--model", model.toString(), "--split", "validation", "--out",
                spark.toString());
        assertThat(e1.code()).as(e1.err()).isZero();
        Run e2 = eenn("export", "--model", model.toString(), "--split", "validation", "--out", one.toString());
        assertThat(e2.code()).as(e2.err()).isZero();
        assertThat(e1.json().get("model_sha256").asText()).isEqualTo(e2.json().get("model_sha256").asText());
        SparkLocalTest.assertSameOutputs(ExitOutputsNpz.read(one), ExitOutputsNpz.read(spark), 1e-5);
        assertThat(ExitOutputsNpz.read(spark).modelSha256()).isEqualTo(ExitOutputsNpz.read(one).modelSha256());
        assertThat(Files.size(spark)).isPositive();
    }
}
