package org.eennrc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without the optional eenn-spark jar, --spark is refused with the way to get it, before any work. */
class SparkOptionTest {

    @Test
    void sparkWithoutTheRunnerSaysHowToGetIt(@TempDir Path dir) {
        EennCliTest.Result train = EennCliTest.run("train", "--spark", "local[2]", "--tiny", "--out",
                dir.resolve("m").toString());
        assertThat(train.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(train.err()).contains("eenn-spark", "-Pspark-jar", "spark-submit", "docs/distributed.md");
        assertThat(dir.resolve("m")).doesNotExist();

        EennCliTest.Result export = EennCliTest.run("export", "--spark", "yarn", "--model", dir.toString(), "--out",
                dir.resolve("o.npz").toString());
        assertThat(export.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(export.err()).contains("org.eennrc:eenn-spark");
    }

    @Test
    void theTransformerIsRefusedOnSpark(@TempDir Path dir) {
        EennCliTest.Result r = EennCliTest.run("train", "--spark", "local[2]", "--model", "transformer", "--out",
                dir.resolve("m").toString());
        assertThat(r.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains("transformer").contains("ComputationGraph");
    }
}
