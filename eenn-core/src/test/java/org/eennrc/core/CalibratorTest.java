package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.inject.ControllerRegistry;
import org.junit.jupiter.api.Test;

/** One-call calibration equals the five-object pipeline it replaces; the split helper. */
class CalibratorTest {

    @Test
    void oneCallEqualsTheStepByStepPipeline() {
        ExitOutputs o = Synthetic.refining(3, 600, 4, 10);
        for (String controller : new String[] {"crc", "ucb-wsr", "ltt-fst", "naive"}) {
            for (String risk : new String[] {"prediction-gap", "brier-consistency"}) {
                Calibrator.Result r = Calibrator.builder().risk(risk).controller(controller).epsilon(0.05).delta(0.2)
                        .confidence("entropy").build().calibrate(o);
                // what eenn calibrate --outputs did by hand before
                LossMatrixBuilder b = new LossMatrixBuilder(o, ConfidenceMeasures.ENTROPY, LambdaGrid.standard());
                LossMatrix losses = b.build(Risks.byName(risk));
                CalibrationResult expected = ControllerRegistry.create().get(controller).calibrate(losses, 0.05, 0.2);
                ExitPolicy policy = ExitPolicy.from("entropy", b.grid(), expected, risk, 4,
                        b.efficiency().saving(expected.index()), ExitPolicy.CertifiedOn.of(o));
                assertThat(r.policy()).isEqualTo(policy);
                assertThat(r.calibration().index()).isEqualTo(expected.index());
                assertThat(r.calibration().statistic()).containsExactly(expected.statistic());
                assertThat(r.meanExitLayer()).isEqualTo(b.efficiency().meanExitLayer(expected.index()));
                assertThat(r.bound()).isEqualTo(losses.upperBound());
            }
        }
    }

    @Test
    void fitGivesThePolicyWithItsCertificate() {
        ExitOutputs o = Synthetic.refining(4, 800, 3, 5);
        ExitPolicy p = Calibrator.builder().risk(Risks.PREDICTION_GAP).controller("ucb-wsr").epsilon(0.1).build().fit(o);
        assertThat(p.certificate().controller()).isEqualTo("ucb-wsr");
        assertThat(p.certificate().risk()).isEqualTo("prediction-gap");
        assertThat(p.certificate().delta()).isEqualTo(0.1);
        assertThat(p.certificate().n()).isEqualTo(800);
        assertThat(p.confidence()).isEqualTo("max-softmax");
        assertThat(p.numExits()).isEqualTo(3);
        assertThat(p.certificate().grid()).isEqualTo(LambdaGrid.standard());
    }

    /** The policy names what it was certified on, the same from Java as from a file (what calibrate --outputs reads). */
    @Test
    void policyRecordsTheOutputsAndModelItWasCertifiedOn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        String model = "ab".repeat(32);
        ExitOutputs o = Synthetic.refining(4, 300, 3, 5).withModelSha256(model);
        Calibrator c = Calibrator.builder().risk(Risks.PREDICTION_GAP).controller("crc").epsilon(0.1).build();
        ExitPolicy.CertifiedOn inMemory = c.fit(o).certificate().certifiedOn();
        assertThat(inMemory.outputsSha256()).isEqualTo(o.contentSha256());
        assertThat(inMemory.modelSha256()).isEqualTo(model);
        assertThat(inMemory.outputsFileSha256()).isNull();

        java.nio.file.Path f = tmp.resolve("o.npz");
        ExitOutputsNpz.write(f, o, true);
        ExitPolicy.CertifiedOn fromFile = c.fit(ExitOutputsNpz.read(f)).certificate().certifiedOn();
        assertThat(fromFile.outputsSha256()).isEqualTo(inMemory.outputsSha256());
        assertThat(fromFile.modelSha256()).isEqualTo(model);
        assertThat(fromFile.outputsFileSha256()).isEqualTo(org.eennrc.risk.provenance.FileDigest.sha256(f));

        // other outputs (one label changed) are other outputs
        int[] y = o.labels();
        y[0] = (y[0] + 1) % 5;
        ExitOutputs other = ExitOutputs.builder(300, 3, 5).probs(probsOf(o)).labels(y).flops(o.flops()).build();
        assertThat(c.fit(other).certificate().certifiedOn().outputsSha256()).isNotEqualTo(o.contentSha256());
    }

    static float[] probsOf(ExitOutputs o) {
        float[] p = new float[o.numSamples() * o.numExits() * o.numClasses()];
        for (int i = 0; i < o.numSamples(); i++) {
            for (int e = 0; e < o.numExits(); e++) {
                System.arraycopy(o.probs(i, e), 0, p, (i * o.numExits() + e) * o.numClasses(), o.numClasses());
            }
        }
        return p;
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> Calibrator.builder().controller("crc").epsilon(0.1).build())
                .hasMessageContaining("needs a risk").hasMessageContaining("prediction-gap");
        assertThatThrownBy(() -> Calibrator.builder().risk("prediction-gap").epsilon(0.1).build())
                .hasMessageContaining("needs a controller").hasMessageContaining("ucb-wsr");
        assertThatThrownBy(() -> Calibrator.builder().risk("prediction-gap").controller("crc").build())
                .hasMessageContaining("needs a tolerance epsilon");
        assertThatThrownBy(() -> Calibrator.builder().risk("top5").controller("crc").epsilon(0.1).build())
                .hasMessageContaining("unknown risk 'top5'");
        assertThatThrownBy(() -> Calibrator.builder().risk("prediction-gap").controller("crc").epsilon(1.5).build())
                .hasMessageContaining("1.5");
        ExitOutputs unlabelled = Synthetic.outputs(1, 50, 3, 4, false);
        assertThatThrownBy(() -> Calibrator.builder().risk("prediction-gap").controller("crc").epsilon(0.1).build()
                .fit(unlabelled)).hasMessageContaining("needs labels");
    }

    @Test
    void splitIsSeededDisjointAndCoversEverySample() {
        ExitOutputs o = Synthetic.outputs(2, 100, 3, 4, true);
        Split s = Split.random(o, 30, 7);
        assertThat(s.calibration().numSamples()).isEqualTo(30);
        assertThat(s.test().numSamples()).isEqualTo(70);
        int[] all = IntStream.concat(Arrays.stream(s.calibrationSamples()), Arrays.stream(s.testSamples())).sorted().toArray();
        assertThat(all).isEqualTo(IntStream.range(0, 100).toArray());
        assertThat(s.testSamples()).isSorted();
        // the calibration part holds the chosen samples' outputs
        int first = s.calibrationSamples()[0];
        assertThat(s.calibration().probs(0, 1)).containsExactly(o.probs(first, 1));
        assertThat(s.calibration().label(0)).isEqualTo(o.label(first));
        // same seed, same split; another seed, another split
        assertThat(Split.random(o, 30, 7).calibrationSamples()).isEqualTo(s.calibrationSamples());
        assertThat(Split.random(o, 30, 8).calibrationSamples()).isNotEqualTo(s.calibrationSamples());
        // it is the protocol's trial 0
        assertThat(s.calibrationSamples()).isEqualTo(org.eennrc.risk.protocol.Protocol.drawCalibration(100, 30, 7, 0));
        assertThatThrownBy(() -> Split.random(o, 100, 7)).hasMessageContaining("n_cal = 100 of N = 100");
        assertThatThrownBy(() -> Split.random(o, 0, 7)).hasMessageContaining("1 <= n_cal < N");
    }
}
