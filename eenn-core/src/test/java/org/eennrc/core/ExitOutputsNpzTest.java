package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.eennrc.risk.io.NpyArray;
import org.eennrc.risk.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fixtures were written once by NumPy (see the resources folder); the tests need no Python. */
class ExitOutputsNpzTest {
    @TempDir Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(ExitOutputsNpzTest.class.getResource("/outputs/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsNumpyLogitsWithLabelsAndFlops() throws IOException {
        ExitOutputs o = ExitOutputsNpz.read(fixture("logits_f32.npz"));
        assertThat(o.numSamples()).isEqualTo(6);
        assertThat(o.numExits()).isEqualTo(3);
        assertThat(o.numClasses()).isEqualTo(4);
        assertThat(o.labels()).containsExactly(0, 2, 2, 0, 3, 3);
        assertThat(o.flops()).containsExactly(1.0e6, 2.5e6, 4.0e6);
        assertThat(o.hasConfidence()).isFalse();
        // Java's softmax equals NumPy's (stored in the file under an extra key, which the reader ignores)
        double[] expected = Npz.read(fixture("logits_f32.npz")).get("expected_probs").toDoubleArray();
        for (int i = 0; i < 6; i++) {
            for (int e = 0; e < 3; e++) {
                for (int c = 0; c < 4; c++) {
                    assertThat((double) o.prob(i, e, c)).isCloseTo(expected[(i * 3 + e) * 4 + c], within(1e-6));
                }
            }
        }
        assertThat(o.prob(0, 0, 1)).isCloseTo(0.38299778f, within(1e-6f));
    }

    @Test
    void readsCompressedFloat64ProbsWithConfidence() throws IOException {
        ExitOutputs o = ExitOutputsNpz.read(fixture("probs_f64_compressed.npz"));
        ExitOutputs ref = ExitOutputsNpz.read(fixture("logits_f32.npz"));
        assertThat(o.hasConfidence()).isTrue();
        assertThat(o.labels()).isEqualTo(ref.labels());
        assertThat(o.probs(5, 2)).containsExactly(ref.probs(5, 2), within(1e-6f));
        double[] conf = ConfidenceMeasures.PROVIDED.confidences(o);
        assertThat(conf).hasSize(18);
        for (double v : conf) assertThat(v).isBetween(0.0, 1.0);
    }

    @Test
    void roundTripsStoredAndCompressed() throws IOException {
        ExitOutputs o = ExitOutputs.builder(5, 2, 3)
                .logits(randomLogits(30))
                .labels(new int[] {0, 1, 2, 1, 0}).flops(new double[] {2, 5})
                .confidence(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}).build();
        for (boolean compressed : new boolean[] {false, true}) {
            Path f = tmp.resolve("o" + compressed + ".npz");
            ExitOutputsNpz.write(f, o, compressed);
            ExitOutputs back = ExitOutputsNpz.read(f);
            assertThat(back.labels()).isEqualTo(o.labels());
            assertThat(back.flops()).isEqualTo(o.flops());
            assertThat(back.providedConfidences()).isEqualTo(o.providedConfidences());
            for (int i = 0; i < 5; i++) {
                for (int e = 0; e < 2; e++) assertThat(back.probs(i, e)).containsExactly(o.probs(i, e), within(1e-7f));
            }
            Map<String, NpyArray> raw = Npz.read(f);
            assertThat(raw.get("probs").shape()).containsExactly(5, 2, 3);
            assertThat(raw.get("probs").dtype()).isEqualTo("<f4");
            assertThat(raw.get("labels").dtype()).isEqualTo("<i8");
        }
    }

    static float[] randomLogits(int n) {
        java.util.Random r = new java.util.Random(n);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) (3 * r.nextGaussian());
        return f;
    }

    @Test
    void badFilesGetClearMessages() {
        assertThatThrownBy(() -> ExitOutputsNpz.read(fixture("truncated.npz"))).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated.npz").hasMessageContaining("truncated");
        assertThatThrownBy(() -> ExitOutputsNpz.read(fixture("bad_probs.npz")))
                .hasMessageContaining("bad_probs.npz").hasMessageContaining("sample 0 at exit 0");
        assertThatThrownBy(() -> ExitOutputsNpz.read(fixture("bad_labels.npz")))
                .hasMessageContaining("label of sample 0 is 10, outside [0, 4)");
        assertThatThrownBy(() -> ExitOutputsNpz.read(fixture("nan_logits.npz")))
                .hasMessageContaining("sample 0 at exit 0, class 2 is NaN");
        assertThatThrownBy(() -> ExitOutputsNpz.read(fixture("bad_shape.npz")))
                .hasMessageContaining("'labels' must have shape (6,)");
        assertThatThrownBy(() -> ExitOutputsNpz.read(tmp.resolve("none.npz"))).hasMessageContaining("none.npz");
    }

    @Test
    void missingOrDuplicateScoresAreReported() throws IOException {
        Path f = tmp.resolve("x.npz");
        Npz.write(f, Map.of("labels", NpyArray.ofLongs(new long[] {1}, 1)), false);
        assertThatThrownBy(() -> ExitOutputsNpz.read(f)).hasMessageContaining("neither 'logits' nor 'probs'");
        Npz.write(f, Map.of("probs", NpyArray.ofFloats(new float[] {1}, 1, 1)), false);
        assertThatThrownBy(() -> ExitOutputsNpz.read(f)).hasMessageContaining("shape (N, L, C)");
        Npz.write(f, Map.of("probs", NpyArray.ofLongs(new long[] {1}, 1, 1, 1)), false);
        assertThatThrownBy(() -> ExitOutputsNpz.read(f)).hasMessageContaining("float32 or float64");
    }

    @Test
    void acceptsEveryIntegerLabelDtype() throws IOException {
        // np.savez(logits=(5, 2, 3) float32, labels=[0, 2, 1, 1, 0].astype(dtype))
        for (String dt : new String[] {"int16", "uint16", "uint32", "uint64"}) {
            ExitOutputs o = ExitOutputsNpz.read(fixture("labels_" + dt + ".npz"));
            assertThat(o.labels()).as(dt).containsExactly(0, 2, 1, 1, 0);
        }
    }

    @Test
    void uint64LabelsOutOfRangeAreAClearError() {
        assertThatThrownBy(() -> ExitOutputsNpz.read(fixture("labels_uint64_large.npz")))
                .isInstanceOf(IOException.class).hasMessageContaining("label of sample 2 is 1099511627776")
                .hasMessageContaining("outside [0, 3)");
        assertThatThrownBy(() -> ExitOutputsNpz.read(fixture("labels_uint64_huge.npz")))
                .isInstanceOf(IOException.class).hasMessageContaining("label of sample 3")
                .hasMessageContaining("18446744073709551615");
    }

    @Test
    void otherKeysAreSkippedUnreadWhateverTheyHold() throws IOException {
        // extra keys: names (<U3), half (float16), meta (object, pickled), note (a 0-d string)
        ExitOutputs o = ExitOutputsNpz.read(fixture("extra_keys.npz"));
        assertThat(o.numSamples()).isEqualTo(5);
        assertThat(o.labels()).containsExactly(0, 2, 1, 1, 0);
    }

    /** Written then read, outputs are bit for bit the same: one content hash whichever path they took. */
    @Test
    void writtenOutputsReadBackBitForBit() throws IOException {
        for (int c : new int[] {2, 10, 1000}) {
            ExitOutputs o = Synthetic.outputs(3, 200, 4, c, true);
            // probs that sum to 1 only within float rounding, as a model's softmax does
            ExitOutputs p = ExitOutputs.builder(200, 4, c).probs(CalibratorTest.probsOf(o)).labels(o.labels())
                    .flops(o.flops()).build();
            for (ExitOutputs x : new ExitOutputs[] {o, p}) {
                Path f = tmp.resolve("b" + c + ".npz");
                ExitOutputsNpz.write(f, x, true);
                ExitOutputs back = ExitOutputsNpz.read(f);
                for (int i = 0; i < 200; i++) {
                    for (int e = 0; e < 4; e++) assertThat(back.probs(i, e)).as("C=" + c).containsExactly(x.probs(i, e));
                }
                assertThat(back.contentSha256()).isEqualTo(x.contentSha256());
                java.nio.file.Files.delete(f);
            }
        }
    }

    @Test
    void contentHashCoversEveryArray() {
        ExitOutputs o = Synthetic.outputs(3, 20, 3, 4, true);
        String h = o.contentSha256();
        assertThat(h).matches("[0-9a-f]{64}").isEqualTo(Synthetic.outputs(3, 20, 3, 4, true).contentSha256());
        float[] probs = CalibratorTest.probsOf(o);
        assertThat(ExitOutputs.builder(20, 3, 4).probs(probs).labels(o.labels()).flops(o.flops()).build()
                .contentSha256()).isEqualTo(h);
        assertThat(ExitOutputs.builder(20, 3, 4).probs(probs).flops(o.flops()).build().contentSha256()).isNotEqualTo(h);
        assertThat(ExitOutputs.builder(20, 3, 4).probs(probs).labels(o.labels()).build().contentSha256())
                .isNotEqualTo(h);
        double[] flops = o.flops();
        flops[2] += 1;
        assertThat(ExitOutputs.builder(20, 3, 4).probs(probs).labels(o.labels()).flops(flops).build().contentSha256())
                .isNotEqualTo(h);
        float[] q = probs.clone();
        q[0] = Math.nextUp(q[0]);
        q[1] = Math.nextDown(q[1]);
        assertThat(ExitOutputs.builder(20, 3, 4).probs(q).labels(o.labels()).flops(o.flops()).build().contentSha256())
                .isNotEqualTo(h);
        // where the outputs came from is not what they are
        assertThat(o.withModelSha256("cd".repeat(32)).contentSha256()).isEqualTo(h);
    }

    @Test
    void modelHashRoundTripsAsThirtyTwoBytes() throws IOException {
        String model = "0123456789abcdef".repeat(4);
        ExitOutputs o = Synthetic.outputs(3, 10, 2, 3, true).withModelSha256(model.toUpperCase(java.util.Locale.ROOT));
        assertThat(o.modelSha256()).isEqualTo(model);
        Path f = tmp.resolve("m.npz");
        ExitOutputsNpz.write(f, o, false);
        ExitOutputs back = ExitOutputsNpz.read(f);
        assertThat(back.modelSha256()).isEqualTo(model);
        assertThat(back.fileSha256()).isEqualTo(org.eennrc.risk.provenance.FileDigest.sha256(f));
        // a plain NumPy entry: uint8, shape (32,), which np.load and older readers (who skip unknown keys) handle
        NpyArray raw = Npz.read(f).get("model_sha256");
        assertThat(raw.dtype()).isEqualTo("|u1");
        assertThat(raw.shape()).containsExactly(32);
        assertThat(raw.getLong(0)).isEqualTo(0x01);
        assertThat(raw.getLong(7)).isEqualTo(0xef);
        // a subset is the same model's outputs, but not the file
        ExitOutputs sub = back.subset(new int[] {1, 2});
        assertThat(sub.modelSha256()).isEqualTo(model);
        assertThat(sub.fileSha256()).isNull();
        // without the key: no model hash
        ExitOutputsNpz.write(f, Synthetic.outputs(3, 10, 2, 3, true), false);
        assertThat(ExitOutputsNpz.read(f).modelSha256()).isNull();
    }

    @Test
    void malformedModelHashIsNamed() throws IOException {
        Path f = tmp.resolve("bad.npz");
        Map<String, NpyArray> m = new java.util.LinkedHashMap<>();
        m.put("probs", NpyArray.ofFloats(new float[] {0.5f, 0.5f}, 1, 1, 2));
        m.put("model_sha256", NpyArray.ofLongs(new long[32], 32));
        Npz.write(f, m, false);
        assertThatThrownBy(() -> ExitOutputsNpz.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad.npz").hasMessageContaining("'model_sha256' must be the 32 bytes");
        m.put("model_sha256", NpyArray.ofUnsignedBytes(new byte[20], 20));
        Npz.write(f, m, false);
        assertThatThrownBy(() -> ExitOutputsNpz.read(f)).hasMessageContaining("'model_sha256'");
        assertThatThrownBy(() -> Synthetic.outputs(3, 10, 2, 3, true).withModelSha256("xyz"))
                .hasMessageContaining("64 hex digits");
    }
}
