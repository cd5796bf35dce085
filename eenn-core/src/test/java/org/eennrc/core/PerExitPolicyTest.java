package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.perexit.Configurations;
import org.eennrc.risk.perexit.ExitTables;
import org.eennrc.risk.perexit.ParetoTesting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-exit thresholds in eenn-core (method.md §7): the exit rule, the version-3 policy, and the calibration. */
class PerExitPolicyTest {
    @TempDir Path tmp;

    static ExitPolicy perExit() {
        ExitPolicy.Certificate c = new ExitPolicy.Certificate("prediction-gap", "pareto-ltt", 0.05, 0.1, 1000,
                Guarantee.HIGH_PROBABILITY, true, 17, 0.02, "max(x,0)", 0.4, null,
                new ExitPolicy.CertifiedOn(ExitPolicyTest.OUTPUTS, null, ExitPolicyTest.MODEL),
                "product(values(0.0, 0.5, 1.0))^3; D_opt fraction 0.5, split seed 0");
        return ExitPolicy.perExit("max-softmax", new double[] {0.9, 0.5, 1.0}, 4, c);
    }

    @Test
    void theExitRuleTakesOneThresholdPerExit() {
        double[] conf = {0.8, 0.6, 0.99, 0.1, //
                         0.95, 0.0, 0.0, 0.0, //
                         0.5, 0.5, 0.5, 0.5};
        assertThat(ExitRule.exits(conf, 4, new double[] {0.9, 0.5, 1.0})).containsExactly(1, 0, 3);
        // a shared λ is the special case
        assertThat(ExitRule.exits(conf, 4, new double[] {0.7, 0.7, 0.7})).containsExactly(ExitRule.exits(conf, 4, 0.7));
        assertThatThrownBy(() -> ExitRule.exits(conf, 4, new double[] {0.5})).hasMessageContaining("expected L - 1 = 3");
    }

    @Test
    void aPerExitPolicyIsSavedAsVersionThreeAndVerifies() throws IOException {
        ExitPolicy p = perExit();
        assertThat(p.isPerExit()).isTrue();
        assertThat(p.thresholds()).containsExactly(0.9, 0.5, 1.0);
        Path f = tmp.resolve("p.json");
        p.save(f);
        String text = Files.readString(f);
        assertThat(text).contains("\"version\": 3").contains("\"lambda\": null").contains("\"exit_thresholds\": [")
                .contains("\"configurations\": \"product(");
        ExitPolicy.Loaded l = ExitPolicy.read(f);
        assertThat(l.integrity()).isEqualTo(ExitPolicy.Integrity.VERIFIED);
        assertThat(l.version()).isEqualTo(3);
        assertThat(l.policy()).isEqualTo(p);
        assertThat(l.problems(ExitPolicyTest.MODEL)).isEmpty();
        // an edited threshold is an edit
        String edited = text.replaceFirst("0\\.5,", "0.4,");
        assertThat(edited).isNotEqualTo(text);
        assertThat(ExitPolicy.parse(edited).integrity()).isEqualTo(ExitPolicy.Integrity.MODIFIED);
        // the layout is not
        assertThat(ExitPolicy.parse(text.replaceAll("\\s*\n\\s*", "")).integrity())
                .isEqualTo(ExitPolicy.Integrity.VERIFIED);
        // a shared policy saved by this version has exit_thresholds null, and reads back equal
        ExitPolicy shared = ExitPolicyTest.certified();
        assertThat(shared.toJson()).contains("\"exit_thresholds\": null");
        assertThat(ExitPolicy.fromJson(shared.toJson())).isEqualTo(shared);
        assertThat(shared.thresholds()).containsExactly(0.38, 0.38, 0.38);
    }

    @Test
    void versionTwoPoliciesStillLoadAndVerify() throws IOException {
        String v2 = new String(getClass().getResourceAsStream("/policies/v2-policy.json").readAllBytes(),
                StandardCharsets.UTF_8);
        ExitPolicy.Loaded l = ExitPolicy.parse(v2);
        assertThat(l.version()).isEqualTo(2);
        assertThat(l.integrity()).isEqualTo(ExitPolicy.Integrity.VERIFIED);
        assertThat(l.policy().isPerExit()).isFalse();
        assertThat(l.policy().lambda()).isEqualTo(0.6699999999999999);
        assertThat(l.policy().thresholds()).containsExactly(0.6699999999999999, 0.6699999999999999);
        // the version-3 fields are unknown to version 2
        assertThatThrownBy(() -> ExitPolicy.parse(v2.replace("\"num_exits\"", "\"exit_thresholds\": null, \"num_exits\"")))
                .hasMessageContaining("unknown field 'exit_thresholds'");
    }

    @Test
    void malformedPerExitPoliciesAreRefusedWithTheirProblem() {
        String json = perExit().toJson();
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("1.0\n  ]", "1.0, 0.2\n  ]")))
                .hasMessageContaining("needs 3 thresholds");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("0.9,", "1.9,")))
                .hasMessageContaining("threshold of exit 0 must be in [0, 1], got 1.9");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("\"lambda\": null", "\"lambda\": 0.5")))
                .hasMessageContaining("no shared λ");
        assertThatThrownBy(() -> ExitPolicy.parse(json.replace("0.9,", "\"a\",")))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> ExitPolicy.perExit("max-softmax", new double[] {0.5}, 4, perExit().certificate()))
                .hasMessageContaining("needs 3 thresholds");
    }

    @Test
    void applyUsesThePerExitRuleAndCalibrationCertifiesOne() {
        ExitOutputs out = Synthetic.refining(5, 4000, 4, 5);
        ExitPolicy p = perExit();
        ExitResult r = p.apply(out);
        double[] conf = ConfidenceMeasures.byName("max-softmax").confidences(out);
        assertThat(r.exits()).containsExactly(ExitRule.exits(conf, 4, new double[] {0.9, 0.5, 1.0}));

        Risk risk = Risks.byName("prediction-gap");
        ExitTables t = PerExitCalibrator.tables(out, risk, ConfidenceMeasures.byName("max-softmax"));
        assertThat(t.numSamples()).isEqualTo(4000);
        assertThat(t.loss(7, 3)).isEqualTo(0.0);
        ParetoTesting pt = ControllerRegistry.create().perExit("pareto-ltt", 0.5, 3);
        double[] g = {0, 0.25, 0.5, 0.75, 1};
        Configurations cf = Configurations.of(g, 4, 10_000, 0);
        ExitPolicy fitted = PerExitCalibrator.fit(out, risk, ConfidenceMeasures.byName("max-softmax"), pt, cf, 0.1, 0.1);
        assertThat(fitted.isPerExit()).isTrue();
        assertThat(fitted.certificate().controller()).isEqualTo("pareto-ltt");
        assertThat(fitted.certificate().configurations()).contains("product(").contains("split seed 3");
        assertThat(ExitPolicy.fromJson(fitted.toJson())).isEqualTo(fitted);
        // the chosen thresholds are a member of the family (or the full model)
        List<String> members = java.util.stream.IntStream.range(0, cf.size())
                .mapToObj(m -> java.util.Arrays.toString(cf.thresholds(m))).toList();
        assertThat(members).contains(java.util.Arrays.toString(fitted.thresholds()));
    }
}
