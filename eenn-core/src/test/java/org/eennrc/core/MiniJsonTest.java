package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MiniJsonTest {
    @TempDir Path tmp;

    @Test
    void parsesNestedObjectsUpToTheLimit() {
        String ok = "{\"a\":".repeat(MiniJson.MAX_DEPTH - 1) + "{}" + "}".repeat(MiniJson.MAX_DEPTH - 1);
        assertThat(MiniJson.parse(ok)).containsKey("a");
    }

    @Test
    void deeplyNestedJsonIsAnErrorNotAStackOverflow() throws IOException {
        String deep = "{\"a\":".repeat(200_000) + "1" + "}".repeat(200_000);
        assertThatThrownBy(() -> MiniJson.parse(deep)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than 64");
        Path f = tmp.resolve("policy.json");
        Files.writeString(f, deep);
        assertThatThrownBy(() -> ExitPolicy.load(f)).isInstanceOf(Exception.class)
                .isNotInstanceOf(StackOverflowError.class).hasMessageContaining("nested deeper");
    }
}
