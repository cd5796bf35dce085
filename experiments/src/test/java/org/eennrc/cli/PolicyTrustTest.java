package org.eennrc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.core.ExitPolicy;
import org.eennrc.risk.io.Npz;
import org.eennrc.risk.provenance.FileDigest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved policy is trusted only as saved, and only on the model it was certified on (issue 12, "Trust"): two tiny
 * ResNets trained from different seeds on real Fashion-MNIST images (needs dataset-fashion-mnist), a policy certified
 * on outputs exported from model A, then {@code eenn infer} with edited, infeasible, version-1 and foreign policies.
 * Every refusal happens before the model runs, so only the runs that pass load a network.
 */
class PolicyTrustTest {

    @TempDir
    static Path dir;

    static Path modelA;
    static Path modelB;
    static Path npz;
    static Path policy;
    static Path infeasible;

    @BeforeAll
    static void trainExportCalibrate() {
        modelA = dir.resolve("a");
        modelB = dir.resolve("b");
        for (Object[] m : new Object[][] {{modelA, "7"}, {modelB, "8"}}) {
            EennCliTest.Result t = EennCliTest.run("train", "--tiny", "--out", m[0].toString(), "--epochs", "1",
                    "--max-train-images", "256", "--batch-size", "64", "--seed", (String) m[1]);
            assertThat(t.code()).as(t.err()).isZero();
        }
        npz = dir.resolve("a-val.npz");
        EennCliTest.Result x = EennCliTest.run("export", "--model", modelA.toString(), "--split", "validation",
                "--out", npz.toString());
        assertThat(x.code()).as(x.err()).isZero();
        assertThat(x.lines().get(0).get("model_sha256").asText()).isEqualTo(sha256(modelA.resolve("model.zip")));
        policy = dir.resolve("policy.json");
        EennCliTest.Result c = EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk",
                "prediction-consistency", "--controller", "crc", "--epsilon", "0.2", "--save-policy", policy.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.lines().get(0).get("feasible").asBoolean()).isTrue();
        assertThat(c.lines().get(0).get("index").asInt()).isPositive();
        infeasible = dir.resolve("infeasible.json");
        EennCliTest.Result i = EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk",
                "prediction-consistency", "--controller", "ucb-wsr", "--epsilon", "0.0001", "--save-policy",
                infeasible.toString());
        assertThat(i.code()).as(i.err()).isZero();
        assertThat(i.lines().get(0).get("feasible").asBoolean()).isFalse();
    }

    static String sha256(Path file) {
        try {
            return FileDigest.sha256(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static EennCliTest.Result infer(Path model, Path policyFile, String... extra) {
        String[] base = {"infer", "--model", model.toString(), "--policy", policyFile.toString(), "--split",
            "validation", "--limit", "120", "--batch-size", "60"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return EennCliTest.run(args);
    }

    static Path edited(String name, String... replacements) throws IOException {
        String text = Files.readString(policy);
        for (int k = 0; k < replacements.length; k += 2) {
            assertThat(text).as(replacements[k]).contains(replacements[k]);
            text = text.replace(replacements[k], replacements[k + 1]);
        }
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    static void assertRefused(EennCliTest.Result r, String... messageParts) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("--policy").contains("refused");
        for (String part : messageParts) assertThat(r.err()).contains(part);
    }

    @Test
    void theCertifiedPolicyRunsVerified() throws IOException {
        EennCliTest.Result r = infer(modelA, policy);
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.lines().get(0);
        assertThat(j.get("policy_verified").asBoolean()).isTrue();
        assertThat(j.has("override")).isFalse();
        assertThat(j.get("model_sha256").asText()).isEqualTo(FileDigest.sha256(modelA.resolve("model.zip")));
        assertThat(r.err()).doesNotContain("warning");
        // the override changes nothing for a verified policy
        EennCliTest.Result o = infer(modelA, policy, "--accept-unverified-policy");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.lines().get(0).get("policy_verified").asBoolean()).isTrue();
        assertThat(o.lines().get(0).has("override")).isFalse();
    }

    /** What export wrote and calibrate certified on is in the npz and the policy, and reloads verified. */
    @Test
    void thePolicyNamesItsOutputsAndModel() throws IOException {
        String modelSha = FileDigest.sha256(modelA.resolve("model.zip"));
        ExitOutputs outputs = ExitOutputsNpz.read(npz);
        assertThat(outputs.modelSha256()).isEqualTo(modelSha);
        // the optional key: 32 uint8, the bytes of the model file's SHA-256
        org.eennrc.risk.io.NpyArray key = Npz.read(npz).get("model_sha256");
        assertThat(key.dtype()).isEqualTo("|u1");
        int[] bytes = key.toIntArray();
        assertThat(bytes).hasSize(32);
        byte[] raw = new byte[32];
        for (int i = 0; i < 32; i++) raw[i] = (byte) bytes[i];
        assertThat(HexFormat.of().formatHex(raw)).isEqualTo(modelSha);

        ExitPolicy p = ExitPolicy.load(policy);
        assertThat(p.certificate().certifiedOn().modelSha256()).isEqualTo(modelSha);
        assertThat(p.certificate().certifiedOn().outputsFileSha256()).isEqualTo(FileDigest.sha256(npz));
        assertThat(p.certificate().certifiedOn().outputsSha256()).isEqualTo(outputs.contentSha256());
        // saved again through the Java API: still verified, the same bytes
        Path again = dir.resolve("again.json");
        p.save(again);
        assertThat(Files.readString(again)).isEqualTo(Files.readString(policy));
        assertThat(ExitPolicy.read(again).integrity()).isEqualTo(ExitPolicy.Integrity.VERIFIED);
    }

    @Test
    void editedPoliciesAreRefused() throws IOException {
        ExitPolicy p = ExitPolicy.load(policy);
        int k = p.certificate().gridIndex();
        String lambda = "\"lambda\": " + p.lambda() + ",";
        String index = "\"index\": " + k + ",";
        // λ alone, or the index alone: they no longer agree on the grid
        assertRefusedOrInvalid(infer(modelA, edited("l.json", lambda, "\"lambda\": 0.05,")),
                "lambda 0.05 does not match index " + k + " of the grid uniform(101)");
        assertRefusedOrInvalid(infer(modelA, edited("i.json", index, "\"index\": 99,")),
                "does not match index 99");
        // λ and index moved together, ε, risk, δ, n: consistent fields, but not what was certified
        double l95 = org.eennrc.risk.LambdaGrid.standard().lambda(95);
        for (Path f : new Path[] {
            edited("li.json", lambda, "\"lambda\": " + l95 + ",", index, "\"index\": 95,"),
            edited("e.json", "\"epsilon\": 0.2", "\"epsilon\": 0.05"),
            edited("r.json", "\"risk\": \"prediction-consistency\"", "\"risk\": \"prediction-gap\""),
            edited("n.json", "\"n\": " + p.certificate().n() + ",", "\"n\": " + (p.certificate().n() + 1) + ","),
            edited("c.json", "\"controller\": \"crc\"", "\"controller\": \"ucb-wsr\""),
        }) {
            assertRefused(infer(modelA, f), "does not match its content_sha256", "edited",
                    "--accept-unverified-policy");
        }
        // feasible: false with the certified index is not a policy calibrate could write
        assertRefusedOrInvalid(infer(modelA, edited("f.json", "\"feasible\": true", "\"feasible\": false")),
                "'feasible' is false but 'index' is " + k);

        // the override runs it, says so on stderr and records it
        EennCliTest.Result o = infer(modelA, dir.resolve("e.json"), "--accept-unverified-policy");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("warning: --accept-unverified-policy: running the policy although its content "
                + "does not match its content_sha256");
        JsonNode j = o.lines().get(0);
        assertThat(j.get("policy_verified").asBoolean()).isFalse();
        assertThat(j.get("override").asText()).isEqualTo("--accept-unverified-policy");
        assertThat(j.get("policy_problems")).hasSize(1);
        assertThat(j.get("policy_problems").get(0).asText()).contains("edited");
        assertThat(j.get("samples").asInt()).isEqualTo(120);
    }

    /** A policy whose fields are inconsistent is not a policy at all: exit 1 even with the override. */
    static void assertRefusedOrInvalid(EennCliTest.Result r, String message) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains("--policy").contains("not a valid exit policy").contains(message);
    }

    @Test
    void aPolicyCertifiedOnModelAIsRefusedOnModelB() {
        EennCliTest.Result r = infer(modelB, policy);
        assertRefused(r, "certified on the outputs of the model with SHA-256", "the model being run has SHA-256");
        EennCliTest.Result o = infer(modelB, policy, "--accept-unverified-policy");
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode j = o.lines().get(0);
        assertThat(j.get("policy_verified").asBoolean()).isFalse();
        assertThat(j.get("override").asText()).isEqualTo("--accept-unverified-policy");
        assertThat(j.get("policy_problems").get(0).asText()).contains("another model");
    }

    @Test
    void anInfeasiblePolicyIsRefused() {
        assertRefused(infer(modelA, infeasible), "infeasible (feasible: false)", "no early exit to run");
        EennCliTest.Result o = infer(modelA, infeasible, "--accept-unverified-policy");
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode j = o.lines().get(0);
        assertThat(j.get("policy_verified").asBoolean()).isFalse();
        // λ = 1: the full model for every sample
        assertThat(j.get("mean_exit_layer").asDouble()).isEqualTo(3.0);
    }

    @Test
    void aVersionOnePolicyIsRefusedUnlessOverridden() throws IOException {
        Path v1 = dir.resolve("v1.json");
        try (InputStream in = PolicyTrustTest.class.getResourceAsStream("/golden/calibrate-policy-v1.json")) {
            Files.writeString(v1, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertRefused(infer(modelA, v1), "version-1 policy", "no checksum");
        EennCliTest.Result o = infer(modelA, v1, "--accept-unverified-policy");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.lines().get(0).get("policy_verified").asBoolean()).isFalse();
        assertThat(o.lines().get(0).get("policy_problems").get(0).asText()).contains("version-1");
    }

    /** Outputs from elsewhere (no model_sha256): nothing to check the model against, a warning. */
    @Test
    void outputsWithoutAModelHashGiveAWarning() throws IOException {
        OutputsCliTest fixture = new OutputsCliTest();
        fixture.dir = Files.createDirectories(dir.resolve("pytorch"));
        Path outputs = fixture.outputs(300, true);
        Path p = dir.resolve("pytorch.json");
        EennCliTest.Result c = EennCliTest.run("calibrate", "--outputs", outputs.toString(), "--risk",
                "prediction-consistency", "--controller", "crc", "--epsilon", "0.2", "--save-policy", p.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(ExitPolicy.load(p).certificate().certifiedOn().modelSha256()).isNull();
        EennCliTest.Result r = infer(modelA, p);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: --policy").contains("does not record which model");
        assertThat(r.lines().get(0).get("policy_verified").asBoolean()).isTrue();
    }

    /** A policy for another number of exits cannot run at all, override or not. */
    @Test
    void aPolicyForAnotherNumberOfExitsIsRefused() throws IOException {
        ExitOutputs four = ExitOutputs.builder(200, 4, 10).logits(new float[200 * 4 * 10]).build();
        Path outputs = dir.resolve("four.npz");
        ExitOutputsNpz.write(outputs, four.withModelSha256(FileDigest.sha256(modelA.resolve("model.zip"))), false);
        Path p = dir.resolve("four.json");
        EennCliTest.Result c = EennCliTest.run("calibrate", "--outputs", outputs.toString(), "--risk",
                "prediction-consistency", "--controller", "naive", "--epsilon", "0.2", "--save-policy", p.toString());
        assertThat(c.code()).as(c.err()).isZero();
        for (EennCliTest.Result r : new EennCliTest.Result[] {infer(modelA, p),
                infer(modelA, p, "--accept-unverified-policy")}) {
            assertRefused(r, "calibrated for 4 exits", "has 3");
        }
    }
}
