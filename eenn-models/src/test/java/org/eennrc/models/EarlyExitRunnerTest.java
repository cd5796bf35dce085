package org.eennrc.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.train.ProgressListener;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarlyExitRunnerTest {
    @TempDir
    static Path tmp;
    static Trainer.TrainResult trained;
    static ImageSet pool;
    static ExitOutputs exported;

    @BeforeAll
    static void trainTinyAndExport() throws Exception {
        Dl4jRuntime.init();
        TrainConfig cfg = TrainConfig.builder().epochs(2).batchSize(32).validationSize(0).progressSeconds(1e9).build();
        trained = Trainer.train(MultiExitResNetConfig.tiny(), cfg, TestData.train(320), TestData.test(0), tmp.resolve("m"),
                false, ProgressListener.SILENT);
        pool = TestData.test(200);
        // export from the saved model (what `eenn export` does), read back through eenn-core's npz reader
        ModelIO.TrainedModel saved = ModelIO.load(tmp.resolve("m"));
        Path f = tmp.resolve("pool.npz");
        Exporter.export(saved.config(), saved.graph(), pool, f);
        exported = ExitOutputsNpz.read(f);
    }

    @Test
    void exportCarriesLabelsAndCumulativeFlops() {
        assertThat(exported.numSamples()).isEqualTo(200);
        assertThat(exported.numExits()).isEqualTo(3);
        assertThat(exported.labels()).containsExactly(pool.labels());
        assertThat(exported.flops()).containsExactly(MultiExitResNet.flops(MultiExitResNetConfig.tiny()).cumulativePerExit());
    }

    static void check(EarlyExitRunner runner, ImageSet data, ExitOutputs outputs, double lambda, ConfidenceMeasure m,
                      int batch) {
        EarlyExitRunner.Result sim = EarlyExitRunner.simulate(outputs, lambda, m);
        EarlyExitRunner.Result real = runner.run(data, lambda, m, batch);
        assertThat(real.exits()).as("%s λ=%s batch %d exits", m.name(), lambda, batch).containsExactly(sim.exits());
        assertThat(real.predictions()).as("%s λ=%s batch %d predictions", m.name(), lambda, batch)
                .containsExactly(sim.predictions());
    }

    @Test
    void realEarlyExitEqualsSimulatedExitForEveryBatchSize() {
        EarlyExitRunner runner = new EarlyExitRunner(trained.model(), trained.graph());
        ConfidenceMeasure[] measures = {ConfidenceMeasures.MAX_SOFTMAX, ConfidenceMeasures.TOP_DIFF, ConfidenceMeasures.ENTROPY};
        int mixed = 0;
        for (ConfidenceMeasure m : measures) {
            for (double lambda : new double[] {1.0, 0.99, 0.9, 0.7, 0.5, 0.3, 0.1, 0.0}) {
                EarlyExitRunner.Result sim = EarlyExitRunner.simulate(exported, lambda, m);
                for (int batch : new int[] {64, 200}) {
                    check(runner, pool, exported, lambda, m, batch);
                }
                int[] h = sim.exitHistogram();
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
            check(runner, pool, exported, lambda, ConfidenceMeasures.MAX_SOFTMAX, 7);
            check(runner, pool.subset(first), exported.subset(first), lambda, ConfidenceMeasures.MAX_SOFTMAX, 1);
        }
        // one batch without queueing across batches (runBatch: compaction inside the batch only)
        for (double lambda : new double[] {0.9, 0.5}) {
            EarlyExitRunner.Result sim = EarlyExitRunner.simulate(exported, lambda, ConfidenceMeasures.MAX_SOFTMAX);
            int[] preds = new int[pool.size()];
            int[] exits = new int[pool.size()];
            runner.runBatch(pool.features(0, pool.size()), lambda, ConfidenceMeasures.MAX_SOFTMAX, preds, exits, 0);
            assertThat(exits).containsExactly(sim.exits());
            assertThat(preds).containsExactly(sim.predictions());
        }
        // λ = 1: everything at the last exit, identical to the plain full model
        EarlyExitRunner.Result full = runner.runFullModel(pool, 64);
        assertThat(runner.run(pool, 1.0, ConfidenceMeasures.MAX_SOFTMAX, 64).predictions()).containsExactly(full.predictions());
    }

    @Test
    void foldedBatchNormMatchesTheTrainingGraphAndRealExitMatchesItsExport() {
        ExitOutputs folded = Exporter.outputs(trained.model(), trained.graph(), pool, 64, true);
        double maxDiff = 0;
        for (int i = 0; i < pool.size(); i++) {
            for (int l = 0; l < folded.numExits(); l++) {
                for (int c = 0; c < folded.numClasses(); c++) {
                    maxDiff = Math.max(maxDiff, Math.abs(folded.prob(i, l, c) - exported.prob(i, l, c)));
                }
            }
        }
        assertThat(maxDiff).as("max |p_folded - p_trained|").isLessThan(1e-4);
        EarlyExitRunner runner = new EarlyExitRunner(trained.model(), trained.graph(), true);
        int[] first = new int[30];
        for (int i = 0; i < first.length; i++) {
            first[i] = i;
        }
        for (double lambda : new double[] {1.0, 0.9, 0.6, 0.3, 0.0}) {
            check(runner, pool, folded, lambda, ConfidenceMeasures.MAX_SOFTMAX, 64);
            check(runner, pool.subset(first), folded.subset(first), lambda, ConfidenceMeasures.MAX_SOFTMAX, 1);
        }
    }
}
