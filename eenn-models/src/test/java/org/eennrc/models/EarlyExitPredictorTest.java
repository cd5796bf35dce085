package org.eennrc.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;
import org.eennrc.risk.Guarantee;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Real early exit of the ResNet (through the generic graph adapter) against the simulated exit of eenn-core. */
class EarlyExitPredictorTest {
    @TempDir
    static Path tmp;
    static Trainer.TrainResult trained;
    static ImageSet pool;
    static ExitOutputs exported;
    static EarlyExitPredictor predictor;

    @BeforeAll
    static void trainTinyAndExport() throws Exception {
        Dl4jRuntime.init();
        TrainConfig cfg = TrainConfig.builder().epochs(2).batchSize(32).validationSize(0).build();
        trained = Trainer.train(MultiExitResNetConfig.tiny(), cfg, TestData.train(320), TestData.test(0), tmp.resolve("m"),
                false, TrainingListener.SILENT);
        pool = TestData.test(200);
        // export from the saved model (what `eenn export` does), read back through eenn-core's npz reader
        ModelIO.TrainedModel saved = ModelIO.load(tmp.resolve("m"));
        Path f = tmp.resolve("pool.npz");
        Exporter.export(saved.config(), saved.graph(), pool, f);
        exported = ExitOutputsNpz.read(f);
        predictor = MultiExitResNet.earlyExitModel(trained.model(), trained.graph()).predictor();
    }

    /** A policy with a given threshold, for testing the exit mechanics (its certificate says it was set by hand). */
    static ExitPolicy policy(ConfidenceMeasure m, double lambda, int exits) {
        return new ExitPolicy(m.name(), lambda, exits, new ExitPolicy.Certificate("prediction-gap", "manual", 0.1,
                Double.NaN, 1, Guarantee.NONE, true, 0, 0, "none", Double.NaN));
    }

    @Test
    void exportCarriesLabelsAndTheCostsCountedFromTheGraph() {
        assertThat(exported.numSamples()).isEqualTo(200);
        assertThat(exported.numExits()).isEqualTo(3);
        assertThat(exported.labels()).containsExactly(pool.labels());
        assertThat(exported.flops())
                .containsExactly(MultiExitResNet.earlyExitModel(trained.model(), trained.graph()).cumulativeCost());
    }

    static void check(ImageSet data, ExitOutputs outputs, double lambda, ConfidenceMeasure m, int batch) {
        ExitResult sim = policy(m, lambda, outputs.numExits()).apply(outputs, m);
        ExitResult real = predictor.predict(data.iterator(batch), lambda, m);
        assertThat(real.exits()).as("%s λ=%s batch %d exits", m.name(), lambda, batch).containsExactly(sim.exits());
        assertThat(real.predictions()).as("%s λ=%s batch %d predictions", m.name(), lambda, batch)
                .containsExactly(sim.predictions());
        assertThat(real.seconds()).isPositive();
    }

    @Test
    void realEarlyExitEqualsSimulatedExitForEveryBatchSize() {
        ConfidenceMeasure[] measures = {ConfidenceMeasures.MAX_SOFTMAX, ConfidenceMeasures.TOP_DIFF, ConfidenceMeasures.ENTROPY};
        int mixed = 0;
        for (ConfidenceMeasure m : measures) {
            for (double lambda : new double[] {1.0, 0.99, 0.9, 0.7, 0.5, 0.3, 0.1, 0.0}) {
                for (int batch : new int[] {64, 200}) {
                    check(pool, exported, lambda, m, batch);
                }
                int[] h = policy(m, lambda, 3).apply(exported, m).exitHistogram();
                if (h[0] > 0 && h[h.length - 1] > 0) {
                    mixed++;
                }
            }
        }
        assertThat(mixed).as("thresholds where samples leave at both the first and the last exit").isGreaterThan(2);
        // odd sub-batch sizes, and batch size 1 (on the first 40 images, to keep the test fast)
        int[] first = new int[40];
        for (int i = 0; i < first.length; i++) {
            first[i] = i;
        }
        for (double lambda : new double[] {0.9, 0.5, 0.0}) {
            check(pool, exported, lambda, ConfidenceMeasures.MAX_SOFTMAX, 7);
            check(pool.subset(first), exported.subset(first), lambda, ConfidenceMeasures.MAX_SOFTMAX, 1);
        }
        // a policy object, and λ = 1: everything at the last exit, identical to the plain full model
        ExitPolicy p = policy(ConfidenceMeasures.MAX_SOFTMAX, 0.5, 3);
        assertThat(predictor.predict(pool.iterator(64), p).sameDecisions(p.apply(exported))).isTrue();
        ExitResult full = predictor.fullModel(pool.iterator(64));
        assertThat(full.exitHistogram()).containsExactly(0, 0, 200);
        assertThat(predictor.predict(pool.iterator(64), 1.0, ConfidenceMeasures.MAX_SOFTMAX).predictions())
                .containsExactly(full.predictions());
        assertThat(full.predictions()).containsExactly(policy(ConfidenceMeasures.MAX_SOFTMAX, 1.0, 3).apply(exported).predictions());
    }

    @Test
    void dl4jDataSetIteratorsWorkAsWell() {
        java.util.List<org.nd4j.linalg.dataset.DataSet> list = new java.util.ArrayList<>();
        for (int from = 0; from < pool.size(); from += 50) {
            int to = Math.min(pool.size(), from + 50);
            list.add(new org.nd4j.linalg.dataset.DataSet(pool.features(from, to), pool.oneHot(null, from, to)));
        }
        org.nd4j.linalg.dataset.api.iterator.DataSetIterator it =
                new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(list, 1);
        ComputationGraphModel model = MultiExitResNet.earlyExitModel(trained.model(), trained.graph());
        ExitOutputs viaDataSets = model.outputs(it);
        assertThat(viaDataSets.labels()).containsExactly(pool.labels());
        for (int i = 0; i < pool.size(); i++) { // batches of 50 here, 500 in the export: oneDNN may round differently
            assertThat(viaDataSets.probs(i, 2)).containsExactly(exported.probs(i, 2), org.assertj.core.data.Offset.offset(1e-5f));
        }
        ExitPolicy p = policy(ConfidenceMeasures.MAX_SOFTMAX, 0.6, 3);
        assertThat(predictor.predict(it, p).sameDecisions(p.apply(exported))).isTrue();
    }

    @Test
    void aPolicyForAnotherNumberOfExitsIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> predictor.predict(pool.iterator(64), policy(ConfidenceMeasures.MAX_SOFTMAX, 0.5, 4)))
                .hasMessageContaining("4 exits").hasMessageContaining("has 3");
    }

    /** Per-exit thresholds (docs/method.md §7): real early exit takes the same decisions as the simulated policy. */
    @Test
    void perExitThresholdsExitLikeTheSimulatedPolicy() {
        ConfidenceMeasure m = ConfidenceMeasures.MAX_SOFTMAX;
        int mixed = 0;
        double[] conf = m.confidences(exported);
        double q0 = between(conf, 0, 0.5);
        double q1 = between(conf, 1, 0.3);
        for (double[] t : new double[][] {{q0, q1}, {between(conf, 0, 0.8), between(conf, 1, 0.6)}, {q0, 1.0},
                {1.0, q1}, {0.9, 0.3}}) {
            ExitPolicy p = ExitPolicy.perExit(m.name(), t, 3, new ExitPolicy.Certificate("prediction-gap", "manual",
                    0.1, Double.NaN, 1, Guarantee.NONE, true, 0, 0, "none", Double.NaN));
            ExitResult sim = p.apply(exported, m);
            ExitResult real = predictor.predict(pool.iterator(64), p);
            assertThat(real.exits()).as("thresholds %s", java.util.Arrays.toString(t)).containsExactly(sim.exits());
            assertThat(real.predictions()).containsExactly(sim.predictions());
            int[] h = sim.exitHistogram();
            if (h[0] > 0 && h[1] > 0) mixed++;
        }
        assertThat(mixed).as("configurations where samples leave at both exit 1 and exit 2").isPositive();
        assertThatThrownBy(() -> predictor.predict(pool.iterator(64), new double[] {0.5}, m))
                .hasMessageContaining("1 thresholds given but the model has 3 exits");
        // λ_1 = 1: no sample can leave at exit 1, so its head is skipped there alone
        int[] calls = new int[3];
        ExitResult skip = countingHeads(calls).predictor().predict(pool.iterator(64), new double[] {1.0, q1}, m);
        assertThat(calls[0]).isZero();
        assertThat(calls[1]).isPositive();
        assertThat(skip.exits()).containsExactly(ExitPolicy.perExit(m.name(), new double[] {1.0, q1}, 3,
                new ExitPolicy.Certificate("prediction-gap", "manual", 0.1, Double.NaN, 1, Guarantee.NONE, true, 0, 0,
                        "none", Double.NaN)).apply(exported, m).exits());
    }

    /** A threshold halfway between two neighbouring observed confidences of exit e, near quantile q (no ties). */
    private static double between(double[] conf, int e, double q) {
        double[] c = new double[conf.length / 3];
        for (int i = 0; i < c.length; i++) c[i] = conf[i * 3 + e];
        java.util.Arrays.sort(c);
        int k = Math.min(c.length - 2, (int) (q * c.length));
        while (k + 1 < c.length - 1 && c[k + 1] - c[k] < 1e-5) k++;
        return (c[k] + c[k + 1]) / 2;
    }

    /** The stages of the tiny model, each counting the calls that asked for its head's probabilities. */
    static StagedModel countingHeads(int[] headCalls) {
        List<ExitStage> stages = new ArrayList<>();
        List<ExitStage> real = predictor.model().stages();
        for (int s = 0; s < real.size(); s++) {
            ExitStage st = real.get(s);
            int at = s;
            stages.add(new ExitStage() {
                public List<String> inputs() {
                    return st.inputs();
                }

                public List<String> produces() {
                    return st.produces();
                }

                public Output run(Map<String, INDArray> in, boolean wantState, boolean wantExit) {
                    headCalls[at] += wantExit ? 1 : 0;
                    return st.run(in, wantState, wantExit);
                }

                public double trunkCost() {
                    return st.trunkCost();
                }

                public double headCost() {
                    return st.headCost();
                }
            });
        }
        return StagedModel.of(List.of(MultiExitResNet.INPUT), null, stages, exported.numClasses());
    }

    @Test
    void atLambdaOneNoIntermediateHeadRunsAndTheDecisionsStayTheSimulatedExits() {
        for (ConfidenceMeasure m : new ConfidenceMeasure[] {ConfidenceMeasures.MAX_SOFTMAX, ConfidenceMeasures.TOP_DIFF,
                ConfidenceMeasures.ENTROPY}) {
            for (int batch : new int[] {1, 7, 64}) {
                int[] calls = new int[3];
                ExitResult real = countingHeads(calls).predictor().predict(pool.iterator(batch), 1.0, m);
                assertThat(calls).as("%s batch %d: head calls per stage", m.name(), batch)
                        .containsExactly(0, 0, (pool.size() + batch - 1) / batch);
                assertThat(real.sameDecisions(policy(m, 1.0, 3).apply(exported, m))).isTrue();
            }
        }
        // just below 1 the heads run again wherever samples are, and decisions still match the simulated exit
        int[] calls = new int[3];
        ExitResult real = countingHeads(calls).predictor().predict(pool.iterator(64), 0.999, ConfidenceMeasures.MAX_SOFTMAX);
        assertThat(calls[0]).isEqualTo(4);
        assertThat(real.sameDecisions(policy(ConfidenceMeasures.MAX_SOFTMAX, 0.999, 3).apply(exported))).isTrue();
    }

    @Test
    void aMeasureThatIsNotBuiltInKeepsItsHeadsAtLambdaOne() {
        // a measure that breaks the [0, 1] contract would let samples leave at λ = 1: its heads must run
        ConfidenceMeasure unbounded = new ConfidenceMeasure() {
            public String name() {
                return "one-plus-max-softmax";
            }

            public double confidence(float[] p) {
                return 1 + ConfidenceMeasures.MAX_SOFTMAX.confidence(p);
            }
        };
        int[] calls = new int[3];
        ExitResult real = countingHeads(calls).predictor().predict(pool.iterator(64), 1.0, unbounded);
        assertThat(calls[0]).isEqualTo(4);
        assertThat(real.exitHistogram()).containsExactly(pool.size(), 0, 0);
    }

    @Test
    void speedTestTimesBothPathsOnTheSameExamplesAndKeepsTheSimulatedDecisions() {
        ExitPolicy p = policy(ConfidenceMeasures.MAX_SOFTMAX, 0.7, exported.numExits());
        ExitResult sim = p.apply(exported);
        SpeedTest.Comparison c = SpeedTest.compare(predictor, p, SpeedTest.inputs(pool), 64, 2, 7);
        assertThat(c.earlyExit().result().sameDecisions(sim)).isTrue();
        assertThat(c.full().result().exits()).containsOnly(exported.numExits() - 1);
        assertThat(c.full().result().predictions()).containsExactly(predictor.fullModel(pool.iterator(64)).predictions());
        assertThat(c.size()).isEqualTo(200);
        assertThat(c.latencySamples()).isEqualTo(7);
        assertThat(c.full().imagesPerSecond()).isPositive();
        assertThat(c.speedup()).isEqualTo(c.earlyExit().imagesPerSecond() / c.full().imagesPerSecond());
        assertThat(c.latencySpeedup()).isEqualTo(c.full().medianMs() / c.earlyExit().medianMs());
        assertThat(c.full().p90Ms()).isGreaterThanOrEqualTo(c.full().medianMs());
        // more latency samples than examples: every example once
        SpeedTest.Timing t = SpeedTest.time(predictor, null, SpeedTest.inputs(pool.range(0, 5)), 4, 1, 50);
        assertThat(t.result().size()).isEqualTo(5);
        assertThat(t.medianMs()).isPositive();
        SpeedTest.Timing none = SpeedTest.time(predictor, p, SpeedTest.inputs(pool.range(0, 5)), 4, 1, 0);
        assertThat(none.medianMs()).isNaN();
        assertThatThrownBy(() -> SpeedTest.compare(predictor, null, SpeedTest.inputs(pool), 64, 1, 1))
                .hasMessageContaining("needs a policy");
        assertThatThrownBy(() -> SpeedTest.time(predictor, p, SpeedTest.inputs(pool), 0, 1, 1))
                .hasMessageContaining("batch and repeats must be at least 1");
    }
}
