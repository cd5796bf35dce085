package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.eennrc.risk.LambdaGrid;
import org.junit.jupiter.api.Test;

class MonotonicityDiagnosticTest {

    @Test
    void wellBehavedOutputsGiveNoWarnings() {
        ExitOutputs o = Synthetic.refining(21, 3000, 4, 10);
        LossMatrixBuilder b = new LossMatrixBuilder(o, ConfidenceMeasures.MAX_SOFTMAX);
        MonotonicityDiagnostic d = MonotonicityDiagnostic.of(b, Risks.PREDICTION_GAP);
        assertThat(d.perExitAccuracy()).hasSize(4);
        double[] acc = d.perExitAccuracy();
        assertThat(acc[3]).isGreaterThan(acc[0]);
        assertThat(d.perExitMeanLoss()[3]).isEqualTo(0.0);
        assertThat(d.riskCurve()).hasSize(101);
        assertThat(d.riskCurve()[0]).isEqualTo(0.0);
        assertThat(d.warnings()).isEmpty();
        assertThat(d.clearlyMonotone()).isTrue();
        assertThat(MonotonicityDiagnostic.of(b, Risks.HELLINGER_CONSISTENCY).perExitAccuracy()).hasSize(4);
    }

    @Test
    void laterExitThatIsWorseIsFlagged() {
        // exit 1 is right and confident, exit 2 (the last) is wrong: every early exit lowers the gap risk,
        // accuracy falls from exit 1 to exit 2, and the risk curve decreases as λ falls.
        int n = 200;
        float[] p = new float[n * 2 * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            boolean confident = i % 2 == 0;
            p[(i * 2) * 2] = confident ? 0.95f : 0.6f; // exit 1 predicts class 0
            p[(i * 2) * 2 + 1] = 1 - p[(i * 2) * 2];
            p[(i * 2 + 1) * 2] = 0.3f; // exit 2 predicts class 1
            p[(i * 2 + 1) * 2 + 1] = 0.7f;
            y[i] = 0;
        }
        ExitOutputs o = ExitOutputs.fromProbs(n, 2, 2, p, y);
        LossMatrixBuilder b = new LossMatrixBuilder(o, ConfidenceMeasures.MAX_SOFTMAX, LambdaGrid.standard());
        MonotonicityDiagnostic d = MonotonicityDiagnostic.of(b, Risks.PREDICTION_GAP);
        assertThat(d.perExitAccuracy()).containsExactly(1.0, 0.0);
        assertThat(d.warnings()).anySatisfy(w -> assertThat(w).contains("accuracy falls from exit 1"));
        // the gap curve: 0 at λ >= .95, -0.5 for λ in [.6, .95), -1 below: it falls as λ falls, i.e. rises with λ
        assertThat(d.riskCurve()[0]).isEqualTo(0.0);
        assertThat(d.riskCurve()[100]).isEqualTo(-1.0);
        assertThat(d.maxCurveViolation()).isEqualTo(1.0);
        assertThat(d.warnings()).anySatisfy(w -> assertThat(w).contains("not monotone"));
        assertThat(d.warnings()).anySatisfy(w -> assertThat(w).contains("mean loss rises from exit 1"));
    }

    @Test
    void nonMonotoneRiskCurveIsFlagged() {
        // Confident samples (conf .95) at exit 1 disagree with the last exit; unsure ones (conf .6) exiting at
        // exit 1 bring a *negative* Brier-consistency loss (exit 1 closer to e_{ŷ_L} than the last exit), so the
        // curve rises to a peak at λ in [0.6, 0.95) and falls below it for λ < 0.6.
        int n = 400;
        float[] p = new float[n * 2 * 2];
        for (int i = 0; i < n; i++) {
            boolean confident = i % 2 == 0;
            if (confident) {
                p[i * 4] = 0.95f;
                p[i * 4 + 1] = 0.05f;
                p[i * 4 + 2] = 0.4f;
                p[i * 4 + 3] = 0.6f;
            } else {
                p[i * 4] = 0.6f;
                p[i * 4 + 1] = 0.4f;
                p[i * 4 + 2] = 0.0f;
                p[i * 4 + 3] = 1.0f;
            }
        }
        ExitOutputs o = ExitOutputs.fromProbs(n, 2, 2, p, null);
        MonotonicityDiagnostic d = MonotonicityDiagnostic.of(new LossMatrixBuilder(o, ConfidenceMeasures.MAX_SOFTMAX),
                Risks.PREDICTION_CONSISTENCY);
        // prediction consistency: confident disagree (1), unsure: exit1 predicts 0, last 1 -> disagree (1) too
        assertThat(d.maxCurveViolation()).isEqualTo(0.0);
        // hand the unsure ones an agreeing exit 1 under the Brier consistency risk -> negative loss -> curve drops
        for (int i = 1; i < n; i += 2) {
            p[i * 4] = 0.4f;
            p[i * 4 + 1] = 0.6f; // conf .6, agrees with last (class 1), and closer? ‖(.4,-.4)‖²=.32 vs 0 -> +.32
            p[i * 4 + 2] = 0.45f;
            p[i * 4 + 3] = 0.55f; // last: ‖(.45,-.45)‖² = .405 -> loss .32 - .405 = -.085
        }
        ExitOutputs o2 = ExitOutputs.fromProbs(n, 2, 2, p, null);
        MonotonicityDiagnostic d2 = MonotonicityDiagnostic.of(new LossMatrixBuilder(o2,
                ConfidenceMeasures.MAX_SOFTMAX), Risks.BRIER_CONSISTENCY);
        assertThat(d2.maxCurveViolation()).isGreaterThan(0.04);
        assertThat(d2.warnings()).anySatisfy(w -> assertThat(w).contains("not monotone"));
        assertThat(d2.violationFrom()).isLessThan(d2.violationTo());
    }
}
