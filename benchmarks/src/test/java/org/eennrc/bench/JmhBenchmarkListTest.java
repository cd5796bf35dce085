package org.eennrc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The JMH annotation processor ran at compile time: without it {@code org.openjdk.jmh.Main} finds no benchmark. */
class JmhBenchmarkListTest {

    @Test
    void bothJmhBenchmarksAreRegistered() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/BenchmarkList")) {
            assertThat(in).as("META-INF/BenchmarkList (written by jmh-generator-annprocess)").isNotNull();
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(list).contains("org.eennrc.bench.CalmProtocolBench", "protocol")
                    .contains("org.eennrc.bench.LossMatrixBench", "allFive", "exitTable", "lossMatrix")
                    .contains("org.eennrc.bench.ParetoBench", "calibrate", "stats", "protocol");
        }
    }
}
