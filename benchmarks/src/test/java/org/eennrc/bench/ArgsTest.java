package org.eennrc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.train.TrainConfig;
import org.junit.jupiter.api.Test;

class ArgsTest {
    private static final Set<String> KNOWN = Set.of("model", "batch", "lambda", "flip", "optimizer", "eps");

    @Test
    void parsesValuesSwitchesAndEqualsForm() {
        Args a = new Args(new String[] {"--model", "runs/x", "--batch=64", "--flip", "--lambda", "-0.5"}, KNOWN);
        assertThat(a.get("model", null)).isEqualTo("runs/x");
        assertThat(a.getInt("batch", 128)).isEqualTo(64);
        assertThat(a.flag("flip")).isTrue();
        assertThat(a.getDouble("lambda", 1)).isEqualTo(-0.5);
        assertThat(a.getInt("eps", 7)).isEqualTo(7);
        assertThat(a.flag("optimizer")).isFalse();
    }

    @Test
    void refusesUnknownAndRetiredOptionsNamingThem() {
        assertThatThrownBy(() -> new Args(new String[] {"--model", "m", "--fold"}, KNOWN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option --fold")
                .hasMessageContaining("--model");
    }

    @Test
    void refusesPositionalArgumentsAndRepeatedOptions() {
        assertThatThrownBy(() -> new Args(new String[] {"runs/x"}, KNOWN)).hasMessageContaining("'runs/x'");
        assertThatThrownBy(() -> new Args(new String[] {"--batch", "1", "--batch", "2"}, KNOWN))
                .hasMessageContaining("--batch given twice");
    }

    @Test
    void malformedValuesNameTheOption() {
        Args a = new Args(new String[] {"--batch", "12x", "--eps", "0.1,a", "--optimizer", "lion", "--flip", "yes"},
                KNOWN);
        assertThatThrownBy(() -> a.getInt("batch", 1)).hasMessageContaining("--batch needs an integer, got '12x'");
        assertThatThrownBy(() -> a.getDoubles("eps", null)).hasMessageContaining("--eps");
        assertThatThrownBy(() -> a.getEnum("optimizer", TrainConfig.Optimizer.class, TrainConfig.Optimizer.ADAM))
                .hasMessageContaining("--optimizer must be one of adam, nesterov, sgd, got 'lion'");
        assertThatThrownBy(() -> a.flag("flip")).hasMessageContaining("--flip is a switch");
    }

    @Test
    void enumsAndListsParse() {
        Args a = new Args(new String[] {"--optimizer", "Nesterov", "--eps", "0.05, 0.01"}, KNOWN);
        assertThat(a.getEnum("optimizer", TrainConfig.Optimizer.class, TrainConfig.Optimizer.ADAM))
                .isEqualTo(TrainConfig.Optimizer.NESTEROV);
        assertThat(a.getDoubles("eps", null)).containsExactly(0.05, 0.01);
    }

    @Test
    void resnetOptionsOverrideTheDefaults() {
        Args a = new Args(new String[] {"--widths", "8,16", "--blocks", "1,1", "--strides", "1,2", "--stem", "4"},
                Args.known(Args.RESNET));
        MultiExitResNetConfig c = a.resnetConfig();
        assertThat(c.widths()).containsExactly(8, 16);
        assertThat(c.stemWidth()).isEqualTo(4);
        assertThat(c.stemStride()).isEqualTo(MultiExitResNetConfig.defaults().stemStride());
        assertThat(c.seed()).isEqualTo(42);
    }
}
