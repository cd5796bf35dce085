package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Injector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.experiments.ExperimentModule.ConfiguredControllers;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ConfigLoader;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.experiments.data.ExperimentData;
import org.eennrc.experiments.data.NpzOutputsSource;
import org.eennrc.experiments.data.OutputsData;
import org.eennrc.experiments.data.OutputsSource;
import org.eennrc.experiments.data.RunOptions;
import org.eennrc.experiments.example.MarginController;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.controllers.UcbController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WiringTest {
    @TempDir
    Path dir;

    private ExperimentConfig config(String extra, String controllers) throws IOException {
        Files.write(dir.resolve("o.npz"), new byte[] {1});
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, """
                name: wiring
                data: {type: outputs, path: o.npz}
                confidence: entropy
                risks: [prediction-consistency]
                controllers: %s
                protocol: {epsilons: 0.1, n_cal: 10, trials: 1}
                """.formatted(controllers) + extra);
        return ConfigLoader.load(f);
    }

    @Test
    void configPicksControllersDataSourceAndConfidence() throws IOException {
        Injector inj = ExperimentModule.injector(config("", "[ucb-hb, crc, ltt-bonferroni]"), RunOptions.DEFAULTS);
        ConfiguredControllers c = inj.getInstance(ConfiguredControllers.class);
        assertThat(c.names()).containsExactly("ucb-hb", "crc", "ltt-bonferroni");
        assertThat(c.byName().get("crc").guarantee()).isEqualTo(Guarantee.EXPECTATION);
        assertThat(inj.getInstance(ExperimentData.class)).isInstanceOf(OutputsData.class);
        assertThat(inj.getInstance(OutputsSource.class)).isInstanceOf(NpzOutputsSource.class);
        assertThat(inj.getInstance(ConfidenceMeasure.class).name()).isEqualTo("entropy");
    }

    @Test
    void customControllerAndBoundNamedInTheConfigAreBoundThroughTheMultibinders() throws IOException {
        ExperimentConfig cfg = config("""
                custom_controllers:
                  naive-margin: org.eennrc.experiments.example.MarginController
                custom_bounds:
                  bernstein: org.eennrc.experiments.example.EmpiricalBernsteinBound
                """, "[naive-margin, ucb-bernstein, crc]");
        ConfiguredControllers c = ExperimentModule.injector(cfg, RunOptions.DEFAULTS).getInstance(ConfiguredControllers.class);
        assertThat(c.names()).containsExactly("naive-margin", "ucb-bernstein", "crc");
        assertThat(c.byName().get("naive-margin")).isInstanceOf(MarginController.class);
        assertThat(c.byName().get("ucb-bernstein")).isInstanceOf(UcbController.class);
        // one source of truth: every configured controller's name() is its config name (rows are not renamed)
        c.byName().forEach((name, controller) -> assertThat(controller.name()).isEqualTo(name));
    }

    @Test
    void aConfigKeyThatIsNotTheControllersNameIsRefused() throws IOException {
        ExperimentConfig cfg = config("""
                custom_controllers:
                  my-margin: org.eennrc.experiments.example.MarginController
                """, "[my-margin, crc]");
        assertThatThrownBy(() -> ExperimentModule.injector(cfg, RunOptions.DEFAULTS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("custom_controllers")
                .hasMessageContaining("controller bound as 'my-margin'")
                .hasMessageContaining("name() 'naive-margin'");
    }

    @Test
    void badControllerConfigsNameTheKey() throws IOException {
        String f = dir.resolve("c.yaml").toString();
        assertThatThrownBy(() -> ExperimentModule.injector(config("", "[crc, ucb-nope]"), RunOptions.DEFAULTS)
                .getInstance(ConfiguredControllers.class))
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(findConfigException(e).getMessage())
                        .startsWith(f + ": controllers[1]: unknown controller 'ucb-nope'; known: "));
        assertThatThrownBy(() -> new ExperimentModule(config("custom_controllers: {x: com.example.Missing}\n", "[crc]"),
                RunOptions.DEFAULTS))
                .isInstanceOf(ConfigException.class)
                .hasMessage(f + ": custom_controllers.x: class com.example.Missing is not on the classpath");
        assertThatThrownBy(() -> new ExperimentModule(config("custom_controllers: {x: java.lang.String}\n", "[crc]"),
                RunOptions.DEFAULTS))
                .hasMessage(f + ": custom_controllers.x: class java.lang.String does not implement org.eennrc.risk.RiskController");
    }

    private static ConfigException findConfigException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException ce) return ce;
        }
        throw new AssertionError("no ConfigException in " + t);
    }
}
