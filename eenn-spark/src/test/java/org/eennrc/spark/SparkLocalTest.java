package org.eennrc.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Exporter;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.train.Checkpoints;
import org.eennrc.models.train.EarlyExitTrainer;
import org.eennrc.models.train.GraphNetwork;
import org.eennrc.models.train.TrainingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/** Spark in local mode (two worker threads in this JVM): training against one JVM, export, resume. */
class SparkLocalTest {
    static final int AVERAGING = Integer.getInteger("eenn.test.averaging", 4);
    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        assumeTrue(FashionMnist.isAvailable(null), "needs Fashion-MNIST (apt-get install dataset-fashion-mnist)");
        sc = SparkSetup.context("local[2]", "eenn-spark test");
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    /**
     * Same data (2,000 images), same epochs (3), same seed: single-JVM batches of 32 against 2 workers with batches of
     * 16 averaged after every step (the same 32 samples per update), each with per-exit validation and checkpoints.
     */
    @Test
    void dataParallelTrainingReachesTheSingleJvmHeldOutLoss(@TempDir Path dir) throws Exception {
        ImageSet train = TestNets.train(2000);
        MultiDataSetIterator heldOut = TestNets.heldOut(1000).iterator(500);
        double initial = TestNets.loss(TestNets.twoExitCnn(7), heldOut);

        GraphNetwork single = new GraphNetwork(TestNets.twoExitCnn(7), TestNets.IMAGE);
        EarlyExitTrainer.builder(single, train.shuffled(32, 7, false)).epochs(3).seed(7).train();
        double singleLoss = TestNets.loss(single.graph(), heldOut);

        GraphNetwork net = new GraphNetwork(TestNets.twoExitCnn(7), TestNets.IMAGE);
        EarlyExitTrainer.Result r = SparkEarlyExitTrainer.builder(sc, net,
                        SparkEpochData.parallelize(sc, train.shuffled(16, 7, false), 2))
                .workers(2).batchSizePerWorker(16).averagingFrequency(AVERAGING).epochs(3).seed(7)
                .exportDirectory(dir.resolve("batches").toUri().toString())
                .listeners(TrainingListener.validation(TestNets.fashionMnist().validation().iterator(500)),
                        new Checkpoints(dir.resolve("checkpoints"), Map.of("net", "two-exit"), Map.of()),
                        TrainingListener.printing(System.out, "img"))
                .train();
        double sparkLoss = TestNets.loss(net.graph(), heldOut);
        System.out.printf("held-out loss: initial %.4f, one JVM %.4f, Spark local[2] %.4f%n", initial, singleLoss,
                sparkLoss);

        assertThat(sparkLoss).isLessThan(0.6 * initial);
        assertThat(Math.abs(sparkLoss - singleLoss)).isLessThanOrEqualTo(0.10 * singleLoss);
        assertThat(r.completedEpochs()).isEqualTo(3);
        assertThat(r.finished()).isTrue();
        assertThat(r.history()).hasSize(3);
        for (TrainingListener.EpochSummary s : r.history()) {
            assertThat(s.validationAccuracy()).hasSize(2);
            assertThat(s.validationAccuracy()[0]).isGreaterThan(0.5);
            assertThat(s.validationAccuracy()[1]).isGreaterThan(0.5);
            assertThat(s.checkpoint()).endsWith(".zip");
            assertThat(Path.of(s.checkpoint())).isRegularFile();
        }
        // the driver's counter (learning-rate schedules, checkpoints) advances by the steps of each worker: about
        // 2,000 / 32 per epoch (DL4J counts whole averaging rounds)
        assertThat(net.iteration()).isBetween((int) (0.9 * single.iteration()), single.iteration());
        assertThat(Files.readString(dir.resolve("checkpoints").resolve(Checkpoints.LAST)).trim()).isEqualTo("epoch-0003");
    }

    /** Two epochs, stop, resume: the run continues from the checkpoint and ends with all three epochs in its history. */
    @Test
    void resumesFromTheSingleJvmCheckpoints(@TempDir Path dir) {
        ImageSet train = TestNets.train(512);
        Checkpoints ck = new Checkpoints(dir, Map.of("net", "two-exit"), Map.of());
        GraphNetwork first = new GraphNetwork(TestNets.twoExitCnn(3), TestNets.IMAGE);
        EarlyExitTrainer.Result a = SparkEarlyExitTrainer.builder(sc, first,
                        SparkEpochData.parallelize(sc, train.shuffled(32, 3, false), 2))
                .batchSizePerWorker(32).averagingFrequency(2).epochs(3).stopAfterEpochs(2).seed(3).direct(true)
                .listeners(ck).train();
        assertThat(a.finished()).isFalse();
        int iterationsAfterTwo = first.iteration();

        GraphNetwork again = new GraphNetwork(TestNets.twoExitCnn(99), TestNets.IMAGE);
        EarlyExitTrainer.Result b = SparkEarlyExitTrainer.builder(sc, again,
                        SparkEpochData.parallelize(sc, train.shuffled(32, 3, false), 2))
                .batchSizePerWorker(32).averagingFrequency(2).epochs(3).seed(3).direct(true)
                .listeners(new Checkpoints(dir, Map.of("net", "two-exit"), Map.of())).resume(true).train();
        assertThat(b.finished()).isTrue();
        assertThat(b.history()).extracting(TrainingListener.EpochSummary::epoch).containsExactly(1, 2, 3);
        assertThat(again.iteration()).isGreaterThan(iterationsAfterTwo);
        // the restored network is the checkpoint's (seed 3), not the freshly initialised one (seed 99)
        assertThat(again.graph().getConfiguration().getEpochCount()).isEqualTo(3);

        GraphNetwork other = new GraphNetwork(TestNets.twoExitCnn(3), TestNets.IMAGE);
        assertThatThrownBy(() -> SparkEarlyExitTrainer.builder(sc, other,
                        SparkEpochData.parallelize(sc, train.shuffled(32, 3, false), 2))
                .epochs(3).listeners(new Checkpoints(dir, Map.of("net", "another"), Map.of())).resume(true).train())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another model");
    }

    /**
     * Export over 7 partitions of batches of 64 against single-JVM export in batches of 500: the same npz (labels,
     * costs exactly; probabilities to float rounding), and both read back equal.
     */
    @Test
    void distributedExportWritesTheSingleJvmNpz(@TempDir Path dir) throws Exception {
        ComputationGraph g = TestNets.twoExitCnn(5);
        GraphNetwork net = new GraphNetwork(g, TestNets.IMAGE);
        EarlyExitTrainer.builder(net, TestNets.train(500).shuffled(50, 5, false)).epochs(1).seed(5).train();
        ImageSet test = TestNets.heldOut(1500);
        ComputationGraphModel model = ComputationGraphModel.of(net.graph(), TestNets.IMAGE);

        Path one = dir.resolve("one.npz");
        Path dist = dir.resolve("spark.npz");
        Exporter.write(model.outputs(test.iterator(Exporter.DEFAULT_BATCH)), one);
        List<MultiDataSet> batches = new java.util.ArrayList<>();
        MultiDataSetIterator it = test.iterator(64);
        while (it.hasNext()) {
            batches.add(it.next());
        }
        JavaRDD<MultiDataSet> rdd = sc.parallelize(batches, 7);
        Exporter.write(SparkExporter.outputs(sc, model, rdd), dist);

        assertSameOutputs(ExitOutputsNpz.read(one), ExitOutputsNpz.read(dist), 1e-5);

        // the folded inference form goes through too
        ComputationGraphModel folded = model.withFoldedBatchNorm();
        assertSameOutputs(folded.outputs(test.iterator(500)), SparkExporter.outputs(sc, folded, rdd), 1e-4);
    }

    @Test
    void badInputIsRefused() {
        ComputationGraphModel model = ComputationGraphModel.of(TestNets.twoExitCnn(1), TestNets.IMAGE);
        assertThatThrownBy(() -> SparkExporter.outputs(sc, model, sc.parallelize(List.<MultiDataSet>of(), 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        GraphNetwork net = new GraphNetwork(TestNets.twoExitCnn(1), TestNets.IMAGE);
        assertThatThrownBy(() -> SparkEarlyExitTrainer.builder(sc, net,
                        SparkEpochData.of(sc.parallelize(List.<MultiDataSet>of(), 2))).direct(true).train())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no training data");
        assertThatThrownBy(() -> SparkEarlyExitTrainer.builder(sc, net, SparkEpochData.of(sc.emptyRDD()))
                .averagingFrequency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("averagingFrequency");
    }

    static void assertSameOutputs(ExitOutputs a, ExitOutputs b, double tolerance) {
        assertThat(b.numSamples()).isEqualTo(a.numSamples());
        assertThat(b.numExits()).isEqualTo(a.numExits());
        assertThat(b.numClasses()).isEqualTo(a.numClasses());
        assertThat(b.flops()).containsExactly(a.flops());
        assertThat(b.hasLabels()).isTrue();
        double worst = 0;
        for (int i = 0; i < a.numSamples(); i++) {
            assertThat(b.label(i)).isEqualTo(a.label(i));
            for (int e = 0; e < a.numExits(); e++) {
                for (int c = 0; c < a.numClasses(); c++) {
                    worst = Math.max(worst, Math.abs(a.prob(i, e, c) - b.prob(i, e, c)));
                }
            }
        }
        assertThat(worst).isLessThanOrEqualTo(tolerance);
    }
}
