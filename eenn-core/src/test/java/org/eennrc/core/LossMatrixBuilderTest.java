package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.LossMatrix;
import org.junit.jupiter.api.Test;

class LossMatrixBuilderTest {

    /** Rounds max-softmax to 2 decimals so that many confidences sit exactly on grid values (tests ">"). */
    static final ConfidenceMeasure ROUNDED = new ConfidenceMeasure() {
        @Override
        public String name() {
            return "rounded";
        }

        @Override
        public double confidence(float[] p) {
            float m = 0;
            for (float v : p) m = Math.max(m, v);
            return Math.round(m * 100) / 100.0;
        }
    };

    static List<ConfidenceMeasure> measures() {
        List<ConfidenceMeasure> m = new ArrayList<>(List.of(ConfidenceMeasures.MAX_SOFTMAX,
                ConfidenceMeasures.TOP_DIFF, ConfidenceMeasures.ENTROPY));
        m.add(ROUNDED);
        return m;
    }

    /** Independent per-sample loss straight from the probabilities, no cached statistics. */
    static double naiveLoss(String risk, ExitOutputs o, int i, int e) {
        int last = o.numExits() - 1;
        int c = o.numClasses();
        float[] p = o.probs(i, e);
        float[] q = o.probs(i, last);
        int yp = argmax(p);
        int yq = argmax(q);
        switch (risk) {
            case "prediction-gap": {
                int y = o.label(i);
                return (yp != y ? 1 : 0) - (yq != y ? 1 : 0);
            }
            case "prediction-consistency":
                return yp != yq ? 1 : 0;
            case "brier-gap":
            case "brier-consistency": {
                int y = risk.equals("brier-gap") ? o.label(i) : yq;
                double a = 0;
                double b = 0;
                for (int j = 0; j < c; j++) {
                    double t = j == y ? 1 : 0;
                    a += (p[j] - t) * (p[j] - t);
                    b += (q[j] - t) * (q[j] - t);
                }
                return a - b;
            }
            case "hellinger-consistency": {
                double s = 0;
                for (int j = 0; j < c; j++) {
                    double d = Math.sqrt(p[j]) - Math.sqrt(q[j]);
                    s += d * d;
                }
                return Math.sqrt(s) / Math.sqrt(2);
            }
            default:
                throw new IllegalArgumentException(risk);
        }
    }

    static int argmax(float[] p) {
        int a = 0;
        for (int j = 1; j < p.length; j++) if (p[j] > p[a]) a = j;
        return a;
    }

    /** The naive per-λ loop the fast builder must reproduce. */
    static double[][] naive(ExitOutputs o, ConfidenceMeasure m, LambdaGrid grid, String risk) {
        double[] conf = m.confidences(o);
        int n = o.numSamples();
        double[][] rows = new double[grid.size()][n];
        for (int k = 0; k < grid.size(); k++) {
            double lambda = grid.lambda(k);
            for (int i = 0; i < n; i++) {
                int exit = o.numExits() - 1;
                for (int e = 0; e < o.numExits(); e++) {
                    if (conf[i * o.numExits() + e] > lambda) {
                        exit = e;
                        break;
                    }
                }
                rows[k][i] = naiveLoss(risk, o, i, exit);
            }
        }
        return rows;
    }

    @Test
    void fastBuilderEqualsNaiveLoopOnRandomOutputs() {
        LambdaGrid[] grids = {LambdaGrid.standard(), LambdaGrid.of(0.97, 0.8, 0.55, 0.5, 0.1), LambdaGrid.uniform(7)};
        for (long seed = 1; seed <= 4; seed++) {
            int l = 1 + (int) seed;
            ExitOutputs o = Synthetic.outputs(seed, 60, l, 5 + (int) seed, true);
            for (ConfidenceMeasure m : measures()) {
                for (LambdaGrid grid : grids) {
                    LossMatrixBuilder b = new LossMatrixBuilder(o, m, grid);
                    for (Risk r : Risks.all()) {
                        LossMatrix fast = b.build(r);
                        double[][] slow = naive(o, m, grid, r.name());
                        assertThat(fast.numLambdas()).isEqualTo(grid.size());
                        double worst = 0;
                        String where = "";
                        for (int k = 0; k < grid.size(); k++) {
                            for (int i = 0; i < o.numSamples(); i++) {
                                double d = Math.abs(fast.get(k, i) - slow[k][i]);
                                if (d > worst) {
                                    worst = d;
                                    where = "k=" + k + ", i=" + i;
                                }
                            }
                        }
                        assertThat(worst).as("seed %d, %s, %s, %s, %s", seed, m.name(), grid, r.name(), where)
                                .isLessThan(1e-6);
                        assertThat(fast.lowerBound()).isEqualTo(r.lowerBound());
                        assertThat(fast.upperBound()).isEqualTo(r.upperBound());
                    }
                    // exit table agrees with the exit rule
                    double[] conf = m.confidences(o);
                    for (int k = 0; k < grid.size(); k++) {
                        assertThat(b.exitTable().exitsAt(k)).isEqualTo(ExitRule.exits(conf, l, grid.lambda(k)));
                    }
                }
            }
        }
    }

    @Test
    void fullModelRowHasZeroRisk() {
        ExitOutputs o = Synthetic.outputs(9, 100, 4, 10, true);
        LossMatrixBuilder b = new LossMatrixBuilder(o, ConfidenceMeasures.MAX_SOFTMAX);
        for (Risk r : Risks.all()) {
            assertThat(b.build(r).row(0)).containsOnly(0.0);
        }
        assertThat(b.exitTable().exitsAt(0)).containsOnly(3);
        assertThat(b.grid()).isEqualTo(LambdaGrid.standard());
    }

    @Test
    void labelledRiskOnUnlabelledOutputs() {
        ExitOutputs o = Synthetic.outputs(2, 10, 2, 3, false);
        LossMatrixBuilder b = new LossMatrixBuilder(o, ConfidenceMeasures.MAX_SOFTMAX);
        assertThatThrownBy(() -> b.build(Risks.PREDICTION_GAP)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs labels");
        assertThat(b.build(Risks.PREDICTION_CONSISTENCY).numSamples()).isEqualTo(10);
    }

    @Test
    void badConfidenceMeasureIsReported() {
        ConfidenceMeasure bad = new ConfidenceMeasure() {
            @Override
            public String name() {
                return "bad";
            }

            @Override
            public double confidence(float[] p) {
                return 1.5;
            }
        };
        ExitOutputs o = Synthetic.outputs(2, 3, 2, 3, false);
        assertThatThrownBy(() -> new LossMatrixBuilder(o, bad)).hasMessageContaining("'bad' gave 1.5 for sample 0");
    }
}
