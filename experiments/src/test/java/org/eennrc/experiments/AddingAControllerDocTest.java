package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eennrc.experiments.example.EmpiricalBernsteinBound;
import org.eennrc.experiments.example.MarginController;
import org.eennrc.experiments.example.MyModule;
import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.inject.ControllerRegistry;
import org.junit.jupiter.api.Test;

/** docs/adding-a-controller.md quotes the example sources verbatim, and the example works as the page says. */
class AddingAControllerDocTest {
    private static final Path EXAMPLE = Path.of("src/test/java/org/eennrc/experiments/example");

    @Test
    void docQuotesTheCompiledExampleVerbatim() throws Exception {
        Path doc = Path.of("..", "docs", "adding-a-controller.md");
        assumeTrue(Files.exists(doc));
        String md = Files.readString(doc);
        for (String f : new String[] {"MarginController.java", "EmpiricalBernsteinBound.java", "MyModule.java"}) {
            assertThat(md).as(f).contains("```java\n" + Files.readString(EXAMPLE.resolve(f)).stripTrailing() + "\n```");
        }
    }

    @Test
    void registryServesTheNewControllerAndTheBoundAsUcbBernstein() {
        ControllerRegistry registry = ControllerRegistry.create(new MyModule());
        assertThat(registry.names()).contains("naive-margin", "ucb-bernstein", "crc", "ucb-wsr");
        double[][] losses = new double[3][200];
        for (int i = 0; i < 200; i++) {
            losses[1][i] = i % 20 == 0 ? 1 : 0;  // R̂ = 0.05
            losses[2][i] = i % 4 == 0 ? 1 : 0;   // R̂ = 0.25
        }
        LossMatrix m = LossMatrix.of(losses, 1.0);
        CalibrationResult margin = registry.get("naive-margin").calibrate(m, 0.1, 0.1);
        assertThat(margin.index()).isEqualTo(1);
        assertThat(margin.feasible()).isTrue();
        CalibrationResult b = registry.get("ucb-bernstein").calibrate(m, 0.2, 0.1);
        assertThat(b.index()).isEqualTo(1);
        double ub = new EmpiricalBernsteinBound().upperBound(new BoundedSample(m.row(1), 1.0), 0.1);
        assertThat(ub).isGreaterThan(0.05).isLessThan(0.2);
        assertThat(new MarginController(0.2).prepare(m, 0.1).selectIndex(0.1)).isEqualTo(-1);
    }
}
