package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.io.NpyArray;
import org.eennrc.risk.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs that carry per-exit loss tables instead of probabilities, and the table-backed risks (method.md §6). */
class TableOutputsTest {
    @TempDir Path tmp;

    private static final int N = 300;
    private static final int L = 4;

    /** Confidences rising with the exit, a loss in [0, 1] falling with it and zero at the last exit. */
    private static ExitOutputs tables(long seed) {
        Random r = new Random(seed);
        double[] conf = new double[N * L];
        double[] mis = new double[N * L];
        double[] gap = new double[N * L];
        for (int i = 0; i < N; i++) {
            double hard = r.nextDouble();
            for (int e = 0; e < L; e++) {
                conf[i * L + e] = Math.min(1, Math.max(0, 1 - hard + 0.1 * e + 0.1 * r.nextGaussian()));
                double left = (L - 1 - e) / (double) (L - 1);
                mis[i * L + e] = e == L - 1 ? 0 : Math.min(1, hard * left * r.nextDouble() * 1.5);
                gap[i * L + e] = e == L - 1 ? 0 : Math.max(-1, Math.min(1, hard * left - 0.2 * r.nextDouble()));
            }
        }
        return ExitOutputs.builder(N, L).confidence(conf).flops(new double[] {1, 2, 3, 4})
                .lossTable("miscoverage", 0, 1, mis).lossTable("miou-gap", -1, 1, gap).build();
    }

    @Test
    void aTableRiskCalibratedByCrcEqualsCrcOnTheSameLossesGivenDirectly() {
        ExitOutputs o = tables(1);
        double[] conf = o.providedConfidences();
        LambdaGrid grid = LambdaGrid.standard();
        for (String risk : new String[] {"miscoverage", "miou-gap"}) {
            LossTable t = o.lossTable(risk);
            // the loss matrix by hand: each sample's exit at each λ by the exit rule, and that exit's table entry
            double[][] rows = new double[grid.size()][N];
            for (int k = 0; k < grid.size(); k++) {
                for (int i = 0; i < N; i++) rows[k][i] = t.loss(i, ExitRule.exit(conf, i, L, grid.lambda(k)));
            }
            LossMatrix direct = LossMatrix.of(rows, t.lowerBound(), t.upperBound());
            for (double eps : new double[] {0.05, 0.1, 0.2}) {
                CalibrationResult expected = ControllerRegistry.create().get("crc").calibrate(direct, eps, 0.1);
                Calibrator.Result got = Calibrator.builder().risk(risk).controller("crc").epsilon(eps)
                        .confidence("provided").build().calibrate(o);
                assertThat(got.calibration().index()).isEqualTo(expected.index());
                assertThat(got.calibration().statistic()).containsExactly(expected.statistic());
                assertThat(got.bound()).isEqualTo(t.upperBound());
                assertThat(got.policy().certificate().risk()).isEqualTo(risk);
            }
            // and the same through the generic name table:<name>, which takes the bounds from the outputs
            Calibrator.Result generic = Calibrator.builder().risk(TableRisk.PREFIX + risk).controller("crc")
                    .epsilon(0.1).confidence("provided").build().calibrate(o);
            assertThat(generic.calibration().index())
                    .isEqualTo(ControllerRegistry.create().get("crc").calibrate(direct, 0.1, 0.1).index());
        }
        assertThat(Registry.current().riskNames()).contains("miscoverage", "miou-gap", "pixel-brier-sampled",
                "pixel-brier-argmax", "pixel-brier-gap");
    }

    @Test
    void npzRoundTripOfLossTables() throws IOException {
        ExitOutputs o = tables(2);
        for (boolean compressed : new boolean[] {false, true}) {
            Path f = tmp.resolve("tables" + compressed + ".npz");
            ExitOutputsNpz.write(f, o, compressed);
            ExitOutputs back = ExitOutputsNpz.read(f);
            assertThat(back.hasProbabilities()).isFalse();
            assertThat(back.lossTableNames()).containsExactly("miou-gap", "miscoverage");
            for (String name : o.lossTableNames()) assertThat(back.lossTable(name)).isEqualTo(o.lossTable(name));
            assertThat(back.providedConfidences()).containsExactly(o.providedConfidences());
            assertThat(back.flops()).containsExactly(o.flops());
            assertThat(back.contentSha256()).isEqualTo(o.contentSha256());
            assertThat(back.fileSha256()).isNotNull();
            Map<String, NpyArray> raw = Npz.read(f);
            assertThat(raw.keySet()).containsExactlyInAnyOrder("confidence", "flops", "loss_miscoverage",
                    "loss_miscoverage_bounds", "loss_miou-gap", "loss_miou-gap_bounds");
            assertThat(raw.get("loss_miou-gap_bounds").toDoubleArray()).containsExactly(-1, 1);
        }
        // the tables change the content hash; outputs without tables keep their v1 hash
        ExitOutputs other = ExitOutputs.builder(N, L).confidence(o.providedConfidences()).flops(o.flops())
                .lossTable(o.lossTable("miscoverage")).build();
        assertThat(other.contentSha256()).isNotEqualTo(o.contentSha256());
    }

    @Test
    void aPythonStyleFileWithFloat32TablesIsRead() throws IOException {
        // what the docs' NumPy snippet writes: float32 tables and confidence, float64 bounds, a custom table name
        float[] loss = new float[2 * 3];
        float[] conf = {0.2f, 0.5f, 0.9f, 0.1f, 0.3f, 0.8f};
        loss[0] = 0.5f;
        loss[1] = 0.25f;
        loss[3] = 1.5f;
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("confidence", NpyArray.ofFloats(conf, 2, 3));
        m.put("loss_abs-rel", NpyArray.ofFloats(loss, 2, 3));
        m.put("loss_abs-rel_bounds", NpyArray.ofDoubles(new double[] {0, 2}, 2));
        Path f = tmp.resolve("depth.npz");
        Npz.write(f, m, false);
        ExitOutputs o = ExitOutputsNpz.read(f);
        assertThat(o.lossTable("abs-rel").loss(1, 0)).isEqualTo(1.5);
        // an unknown name is usable as table:<name>, with the file's bounds
        LossMatrixBuilder b = new LossMatrixBuilder(o, ConfidenceMeasures.PROVIDED, LambdaGrid.of(1, 0.5, 0));
        LossMatrix lm = b.build(Risks.byName("table:abs-rel"));
        assertThat(lm.upperBound()).isEqualTo(2.0);
        assertThat(lm.row(2)).containsExactly(0.5, 1.5); // λ = 0: every sample at exit 1
        assertThatThrownBy(() -> Risks.byName("abs-rel")).hasMessageContaining("table:<name>");

        m.remove("loss_abs-rel_bounds");
        Npz.write(f, m, false);
        assertThatThrownBy(() -> ExitOutputsNpz.read(f)).hasMessageContaining("loss_abs-rel_bounds");
        m.put("loss_abs-rel_bounds", NpyArray.ofDoubles(new double[] {0, 1}, 2));
        Npz.write(f, m, false);
        assertThatThrownBy(() -> ExitOutputsNpz.read(f)).hasMessageContaining("outside its declared bounds");
        m.put("loss_abs-rel_bounds", NpyArray.ofDoubles(new double[] {0, 2}, 2));
        m.remove("confidence");
        Npz.write(f, m, false);
        assertThatThrownBy(() -> ExitOutputsNpz.read(f)).hasMessageContaining("no 'confidence'");
    }

    @Test
    void whatNeedsProbabilitiesFailsClearlyOnTableOnlyOutputs() {
        ExitOutputs o = tables(3);
        assertThatThrownBy(() -> Risks.PREDICTION_CONSISTENCY.perExitLosses(o))
                .hasMessageContaining("risk 'prediction-consistency' needs per-class probabilities")
                .hasMessageContaining("[miou-gap, miscoverage]");
        assertThatThrownBy(() -> Risks.HELLINGER_CONSISTENCY.perExitLosses(o)).hasMessageContaining("probabilities");
        assertThatThrownBy(o::accuracyPerExit).hasMessageContaining("per-exit accuracy needs per-class probabilities");
        assertThatThrownBy(() -> o.prediction(0, 0)).hasMessageContaining("needs per-class probabilities");
        assertThatThrownBy(() -> new LossMatrixBuilder(o, ConfidenceMeasures.MAX_SOFTMAX))
                .hasMessageContaining("confidence measure 'max-softmax' cannot be used")
                .hasMessageContaining("'provided'");
        ExitPolicy policy = Calibrator.builder().risk("miscoverage").controller("crc").epsilon(0.1)
                .confidence("provided").build().fit(o);
        assertThatThrownBy(() -> policy.apply(o)).hasMessageContaining("use exits(outputs)");
        int[] exits = policy.exits(o);
        assertThat(exits).hasSize(N);
        assertThat(exits).containsExactly(ExitRule.exits(o.providedConfidences(), L, policy.lambda()));
        // a known risk name with other bounds than the code declares is refused
        ExitOutputs wrong = ExitOutputs.builder(N, L).confidence(o.providedConfidences())
                .lossTable("miscoverage", -1, 1, o.lossTable("miscoverage").values()).build();
        assertThatThrownBy(() -> new LossMatrixBuilder(wrong, ConfidenceMeasures.PROVIDED).build(
                Risks.byName("miscoverage"))).hasMessageContaining("declares [-1.0, 1.0]");
        // a risk whose table is missing names the tables there are
        assertThatThrownBy(() -> new LossMatrixBuilder(wrong, ConfidenceMeasures.PROVIDED).build(
                Risks.byName("pixel-brier-gap"))).hasMessageContaining("only the tables [miscoverage]");
    }

    @Test
    void lossTablesAreValidatedAndSubsetWithTheSamples() {
        double[] v = new double[2 * 2];
        v[0] = 0.5;
        assertThat(LossTable.of("x", 0, 1, 2, 2, v).loss(0, 0)).isEqualTo(0.5);
        v[1] = 0.1;
        assertThatThrownBy(() -> LossTable.of("x", 0, 1, 2, 2, v)).hasMessageContaining("at the last exit 1 is 0.1");
        v[1] = 0;
        v[2] = Double.NaN;
        assertThatThrownBy(() -> LossTable.of("x", 0, 1, 2, 2, v)).hasMessageContaining("sample 1 at exit 0 is NaN");
        v[2] = 0;
        assertThatThrownBy(() -> LossTable.of("x", 0.1, 1, 2, 2, v)).hasMessageContaining("lower <= 0 < upper");
        assertThatThrownBy(() -> LossTable.of("a_b", 0, 1, 2, 2, v)).hasMessageContaining("not valid");
        assertThatThrownBy(() -> LossTable.of("x", 0, 1, 3, 2, v)).hasMessageContaining("N * L");
        assertThatThrownBy(() -> ExitOutputs.builder(2, 2).lossTable("x", 0, 1, v).build())
                .hasMessageContaining("need a 'confidence' array");
        assertThatThrownBy(() -> ExitOutputs.builder(2, 2).confidence(new double[4]).build())
                .hasMessageContaining("at least one loss table");
        assertThatThrownBy(() -> ExitOutputs.builder(2, 2).probs(new float[4]))
                .hasMessageContaining("table-only outputs");

        ExitOutputs o = tables(4);
        ExitOutputs sub = o.subset(new int[] {5, 2});
        assertThat(sub.lossTable("miou-gap").loss(0, 1)).isEqualTo(o.lossTable("miou-gap").loss(5, 1));
        assertThat(sub.lossTable("miou-gap").loss(1, 0)).isEqualTo(o.lossTable("miou-gap").loss(2, 0));
        assertThat(sub.providedConfidence(1, 2)).isEqualTo(o.providedConfidence(2, 2));
        Split split = Split.random(o, 100, 9);
        assertThat(split.calibration().lossTableNames()).isEqualTo(o.lossTableNames());
        assertThat(split.test().numSamples()).isEqualTo(N - 100);
    }
}
