package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.LossTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitPolicyTest {
    @TempDir Path tmp;

    static ExitPolicy policy() {
        CalibrationResult r = new CalibrationResult("ltt-fst-hb", 0.05, 0.1, 1000, 20, true,
                Guarantee.HIGH_PROBABILITY, "p_value", new double[] {0, 0.01}, LossTransform.clipAndScale(2), 0.031);
        return ExitPolicy.from("max-softmax", LambdaGrid.standard(), r, "brier-gap", 3, 0.42);
    }

    @Test
    void savesAndLoadsJson() throws IOException {
        ExitPolicy p = policy();
        assertThat(p.lambda()).isEqualTo(0.8);
        Path f = tmp.resolve("dir/policy.json");
        p.save(f);
        String text = Files.readString(f);
        assertThat(text).contains("\"confidence\": \"max-softmax\"").contains("\"guarantee\": \"high_probability\"")
                .contains("\"loss_transform\": \"max(x,0)/2\"");
        assertThat(ExitPolicy.load(f)).isEqualTo(p);
    }

    @Test
    void nanDeltaRoundTripsAsNull() {
        ExitPolicy.Certificate c = new ExitPolicy.Certificate("prediction-gap", "crc", 0.1, Double.NaN, 100,
                Guarantee.EXPECTATION, false, 0, 0.0, "none", Double.NaN);
        ExitPolicy p = new ExitPolicy("entropy", 1.0, 4, c);
        assertThat(p.toJson()).contains("\"delta\": null");
        ExitPolicy back = ExitPolicy.fromJson(p.toJson());
        assertThat(back.certificate().delta()).isNaN();
        assertThat(back.certificate().feasible()).isFalse();
        assertThat(back.confidence()).isEqualTo("entropy");
    }

    @Test
    void appliesToNewOutputs() {
        ExitOutputs o = Synthetic.outputs(8, 200, 3, 5, true);
        ExitResult d = policy().apply(o);
        double[] conf = ConfidenceMeasures.MAX_SOFTMAX.confidences(o);
        int[] exits = d.exits();
        for (int i = 0; i < 200; i++) {
            assertThat(exits[i]).isEqualTo(ExitRule.exit(conf, i, 3, 0.8));
            assertThat(d.predictions()[i]).isEqualTo(o.prediction(i, exits[i]));
        }
        assertThat(d.meanExitLayer()).isBetween(1.0, 3.0);
        // consistent with the exit table at the policy's grid index
        LossMatrixBuilder b = new LossMatrixBuilder(o, ConfidenceMeasures.MAX_SOFTMAX);
        assertThat(exits).isEqualTo(b.exitTable().exitsAt(20));
    }

    @Test
    void applyChecksMeasureAndExits() {
        ExitOutputs o = Synthetic.outputs(8, 10, 2, 5, true);
        assertThatThrownBy(() -> policy().apply(o)).hasMessageContaining("3 exits");
        ExitOutputs o3 = Synthetic.outputs(8, 10, 3, 5, true);
        assertThatThrownBy(() -> policy().apply(o3, ConfidenceMeasures.ENTROPY))
                .hasMessageContaining("calibrated with confidence 'max-softmax'");
    }

    @Test
    void corruptPolicyFileIsNamed() throws IOException {
        Path f = tmp.resolve("p.json");
        Files.writeString(f, "{\"version\": 1, \"confidence\": \"max-softmax\"");
        assertThatThrownBy(() -> ExitPolicy.load(f)).isInstanceOf(IOException.class).hasMessageContaining("p.json");
        Files.writeString(f, policy().toJson().replace("\"lambda\"", "\"lambdaX\""));
        assertThatThrownBy(() -> ExitPolicy.load(f)).hasMessageContaining("lacks field 'lambda'");
        assertThatThrownBy(() -> ExitPolicy.load(tmp.resolve("nope.json"))).hasMessageContaining("nope.json");
    }
}
