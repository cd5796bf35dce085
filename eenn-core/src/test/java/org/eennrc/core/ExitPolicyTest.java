package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
        Files.writeString(f, policy().toJson().replace("\"n\":", "\"note\": \"x\", \"n\":"));
        assertThatThrownBy(() -> ExitPolicy.load(f)).hasMessageContaining("unknown field 'certificate.note'");
        assertThatThrownBy(() -> ExitPolicy.load(tmp.resolve("nope.json"))).hasMessageContaining("nope.json");
    }

    // ------------------------------------------------------------------ integrity

    static final String OUTPUTS = "11".repeat(32);
    static final String FILE = "22".repeat(32);
    static final String MODEL = "33".repeat(32);

    /** A policy as Calibrator makes it: on the standard grid, knowing its outputs, file and model. */
    static ExitPolicy certified() {
        CalibrationResult r = new CalibrationResult("crc", 0.05, Double.NaN, 500, 62, true, Guarantee.EXPECTATION,
                "crc_adjusted_risk", new double[] {0, 0.01}, LossTransform.NONE, 0.04);
        return ExitPolicy.from("max-softmax", LambdaGrid.standard(), r, "prediction-gap", 4, 0.3,
                new ExitPolicy.CertifiedOn(OUTPUTS, FILE, MODEL));
    }

    @Test
    void savedPolicyCarriesItsChecksumAndHashesAndVerifies() throws IOException {
        ExitPolicy p = certified();
        Path f = tmp.resolve("p.json");
        p.save(f);
        String text = Files.readString(f);
        assertThat(text).contains("\"version\": 3").contains("\"grid\": \"uniform(101)\"")
                .contains("\"outputs_sha256\": \"" + OUTPUTS + "\"").contains("\"outputs_file_sha256\": \"" + FILE + "\"")
                .contains("\"model_sha256\": \"" + MODEL + "\"").contains("\"content_sha256\": \"" + p.contentSha256() + "\"");
        ExitPolicy.Loaded l = ExitPolicy.read(f);
        assertThat(l.integrity()).isEqualTo(ExitPolicy.Integrity.VERIFIED);
        assertThat(l.version()).isEqualTo(3);
        assertThat(l.policy()).isEqualTo(p);
        assertThat(l.problems(MODEL)).isEmpty();
        assertThat(l.warnings(MODEL)).isEmpty();
        assertThat(ExitPolicy.load(f).contentSha256()).isEqualTo(p.contentSha256());
        // saved again, the same bytes
        Path g = tmp.resolve("q.json");
        ExitPolicy.load(f).save(g);
        assertThat(Files.readString(g)).isEqualTo(text);
    }

    @Test
    void theLayoutOfTheFileIsNotAnEdit() {
        String json = certified().toJson();
        // compact, and the first two fields swapped
        String compact = json.replaceAll("\\s*\n\\s*", "").replace(": ", ":")
                .replace("\"format\":\"eenn-rc exit policy\",\"version\":3,", "\"version\":3,\"format\":\"eenn-rc exit policy\",");
        assertThat(compact).startsWith("{\"version\":3,");
        assertThat(ExitPolicy.parse(compact).integrity()).isEqualTo(ExitPolicy.Integrity.VERIFIED);
        assertThat(ExitPolicy.parse(json.replace("\"epsilon\": 0.05", "\"epsilon\": 5.0E-2")).integrity())
                .isEqualTo(ExitPolicy.Integrity.VERIFIED);
    }

    @Test
    void everyEditIsDetected() throws IOException {
        String json = certified().toJson();
        String[][] edits = {
            {"\"epsilon\": 0.05", "\"epsilon\": 0.2"},
            {"\"risk\": \"prediction-gap\"", "\"risk\": \"prediction-consistency\""},
            {"\"controller\": \"crc\"", "\"controller\": \"ucb-wsr\""},
            {"\"n\": 500", "\"n\": 5000"},
            {"\"delta\": null", "\"delta\": 0.1"},
            {"\"confidence\": \"max-softmax\"", "\"confidence\": \"entropy\""},
            {"\"calibration_risk\": 0.04", "\"calibration_risk\": 0.0"},
            {"\"expected_saving\": 0.3", "\"expected_saving\": 0.9"},
            {"\"guarantee_text\": \"E[R] <= eps\"", "\"guarantee_text\": \"always right\""},
            {"\"model_sha256\": \"" + MODEL + "\"", "\"model_sha256\": null"},
            {"\"outputs_sha256\": \"" + OUTPUTS + "\"", "\"outputs_sha256\": \"" + FILE + "\""},
            // λ and index moved together to another point of the grid: consistent, but not what was certified
            {"\"lambda\": 0.38", "\"lambda\": 0.19999999999999996"},
            {"\"content_sha256\": \"", "\"content_sha256\": \"0"},
        };
        for (String[] e : edits) {
            assertThat(json).as(e[0]).contains(e[0]);
            String edited = json.replace(e[0], e[1]);
            if (e[0].startsWith("\"lambda\"")) edited = edited.replace("\"index\": 62", "\"index\": 80");
            ExitPolicy.Loaded l = ExitPolicy.parse(edited);
            assertThat(l.integrity()).as(e[1]).isEqualTo(ExitPolicy.Integrity.MODIFIED);
            assertThat(l.problems(MODEL)).as(e[1]).hasSize(1);
            assertThat(l.integrityProblem()).contains("edited");
            Path f = tmp.resolve("edited.json");
            Files.writeString(f, edited);
            assertThatThrownBy(() -> ExitPolicy.load(f)).as(e[1]).isInstanceOf(IOException.class)
                    .hasMessageContaining("edited.json").hasMessageContaining("content_sha256");
        }
        assertThat(ExitPolicy.parse(json.replaceAll(",\\s*\"content_sha256\": \"[0-9a-f]+\"", "")).integrity())
                .isEqualTo(ExitPolicy.Integrity.MODIFIED);
    }

    @Test
    void lambdaAndIndexMustAgreeWithTheGrid() {
        String json = certified().toJson();
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("\"lambda\": 0.38", "\"lambda\": 0.5")))
                .hasMessageContaining("lambda 0.5 does not match index 62 of the grid uniform(101)");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("\"index\": 62", "\"index\": 61")))
                .hasMessageContaining("does not match index 61");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("\"index\": 62", "\"index\": 101")))
                .hasMessageContaining("index 101 is outside the grid uniform(101)");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("uniform(101)", "uniform(ten)")))
                .hasMessageContaining("'grid'");
        // an explicit grid is carried with its values
        CalibrationResult r = new CalibrationResult("crc", 0.05, Double.NaN, 50, 2, true, Guarantee.EXPECTATION,
                "crc_adjusted_risk", new double[] {0, 0, 0}, LossTransform.NONE, 0.0);
        ExitPolicy p = ExitPolicy.from("max-softmax", LambdaGrid.of(1.0, 0.9, 0.35, 0.1), r, "prediction-gap", 2, 0.1,
                ExitPolicy.CertifiedOn.UNKNOWN);
        assertThat(p.toJson()).contains("\"grid\": \"values(1.0, 0.9, 0.35, 0.1)\"");
        ExitPolicy back = ExitPolicy.fromJson(p.toJson());
        assertThat(back).isEqualTo(p);
        assertThat(back.lambda()).isEqualTo(0.35);
    }

    @Test
    void fieldsOutOfRangeAreRefused() {
        String json = certified().toJson();
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("\"epsilon\": 0.05", "\"epsilon\": 1.5")))
                .hasMessageContaining("'epsilon' must be in (0, 1)");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("\"delta\": null", "\"delta\": -1")))
                .hasMessageContaining("'delta' must be in (0, 1)");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("\"n\": 500", "\"n\": 0")))
                .hasMessageContaining("'n' must be >= 1");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("\"num_exits\": 4", "\"num_exits\": 0")))
                .hasMessageContaining("numExits must be >= 1");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("\"feasible\": true", "\"feasible\": false")))
                .hasMessageContaining("'feasible' is false but 'index' is 62");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace(MODEL, "33")))
                .hasMessageContaining("model_sha256").hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("\"version\": 3", "\"version\": 4")))
                .hasMessageContaining("version 4");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("eenn-rc exit policy", "something else")))
                .hasMessageContaining("format");
    }

    @Test
    void infeasibleAndOtherModelAreDeploymentProblems() {
        ExitPolicy p = certified();
        assertThat(p.deploymentProblems(MODEL)).isEmpty();
        assertThat(p.deploymentProblems(MODEL.toUpperCase(java.util.Locale.ROOT))).isEmpty();
        assertThat(p.deploymentProblems("44".repeat(32))).singleElement().asString()
                .contains("certified on the outputs of the model with SHA-256 " + MODEL).contains("44444444");
        // an unknown model cannot be checked: a warning, not a problem
        assertThat(p.deploymentProblems(null)).isEmpty();
        assertThat(p.deploymentWarnings(null)).singleElement().asString().contains("could not be hashed");
        ExitPolicy pytorch = ExitPolicy.from("max-softmax", LambdaGrid.standard(), new CalibrationResult("crc", 0.05,
                Double.NaN, 500, 62, true, Guarantee.EXPECTATION, "crc_adjusted_risk", new double[] {0},
                LossTransform.NONE, 0.04), "prediction-gap", 4, 0.3, new ExitPolicy.CertifiedOn(OUTPUTS, FILE, null));
        assertThat(pytorch.deploymentProblems(MODEL)).isEmpty();
        assertThat(pytorch.deploymentWarnings(MODEL)).singleElement().asString()
                .contains("does not record which model");
        CalibrationResult none = new CalibrationResult("ucb-wsr", 0.01, 0.1, 500, 0, false, Guarantee.HIGH_PROBABILITY,
                "upper_bound", new double[] {0}, LossTransform.NONE, 0.0);
        ExitPolicy infeasible = ExitPolicy.from("max-softmax", LambdaGrid.standard(), none, "prediction-gap", 4, 0.0,
                new ExitPolicy.CertifiedOn(OUTPUTS, null, MODEL));
        assertThat(infeasible.lambda()).isEqualTo(1.0);
        assertThat(ExitPolicy.parse(infeasible.toJson()).problems(MODEL)).singleElement().asString()
                .contains("infeasible").contains("no early exit");
    }

    @Test
    void versionOnePoliciesReadAsCarryingNoIntegrityData() throws IOException {
        String v1 = """
                {
                  "format": "eenn-rc exit policy",
                  "version": 1,
                  "confidence": "top-diff",
                  "lambda": 0.6699999999999999,
                  "num_exits": 3,
                  "certificate": {
                    "risk": "prediction-consistency", "controller": "ucb-wsr", "epsilon": 0.1, "delta": 0.1,
                    "n": 400, "guarantee": "high_probability", "guarantee_text": "P(R <= eps) >= 1 - delta",
                    "feasible": true, "index": 33, "calibration_risk": 0.0, "loss_transform": "none",
                    "expected_saving": 0.0
                  }
                }
                """;
        Path f = tmp.resolve("v1.json");
        Files.writeString(f, v1);
        ExitPolicy.Loaded l = ExitPolicy.read(f);
        assertThat(l.version()).isEqualTo(1);
        assertThat(l.integrity()).isEqualTo(ExitPolicy.Integrity.ABSENT);
        assertThat(l.policy().lambda()).isEqualTo(0.6699999999999999);
        assertThat(l.policy().certificate().certifiedOn()).isEqualTo(ExitPolicy.CertifiedOn.UNKNOWN);
        assertThat(l.problems(MODEL)).singleElement().asString().contains("version-1 policy").contains("no checksum");
        assertThatThrownBy(() -> ExitPolicy.load(f)).isInstanceOf(IOException.class).hasMessageContaining("v1.json")
                .hasMessageContaining("version-1");
    }

    @Test
    void canonicalFormIsCompactSortedAndEscaped() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", null);
        inner.put("a", Boolean.TRUE);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 0.1);
        m.put("a", "q\"\\\n");
        m.put("c", 7L);
        m.put("B", inner);
        m.put("d", Double.NaN);
        assertThat(ExitPolicy.canonicalJson(m))
                .isEqualTo("{\"B\":{\"a\":true,\"z\":null},\"a\":\"q\\\"\\\\\\u000a\",\"b\":0.1,\"c\":7,\"d\":null}");
        // the checksum is the SHA-256 of that form of every field but itself
        ExitPolicy p = certified();
        Map<String, Object> fields = MiniJson.parse(p.toJson());
        fields.remove("content_sha256");
        assertThat(p.contentSha256()).isEqualTo(org.eennrc.risk.provenance.FileDigest.sha256(ExitPolicy.canonicalJson(fields)));
    }
}
