package org.eennrc.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.eennrc.core.ExitOutputs;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.train.EarlyExitTrainer;
import org.eennrc.models.train.GraphNetwork;
import org.eennrc.models.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Spark's {@code local-cluster} mode: a master and two workers in this JVM, each worker starting its own executor JVM,
 * so models, batches, parameters and outputs really cross process boundaries (serialisation, native libraries,
 * JVM flags), as on a cluster.
 */
class SparkLocalClusterTest {

    @Test
    void trainsAndExportsWithSeparateExecutorJvms(@TempDir Path dir) throws Exception {
        assumeTrue(FashionMnist.isAvailable(null), "needs Fashion-MNIST (apt-get install dataset-fashion-mnist)");
        LocalSparkHome.build();
        SparkConf conf = SparkSetup.conf("local-cluster[2,1,1024]", "eenn-spark local-cluster test")
                .set("spark.executor.memory", "640m")
                .set("spark.executor.extraJavaOptions", SparkSetup.addOpensOptions()
                        + " -Dorg.bytedeco.javacpp.maxbytes=500m -Dorg.bytedeco.javacpp.maxphysicalbytes=1100m"
                        + " -Dorg.eclipse.deeplearning4j.helpers.disable=false");
        ImageSet train = TestNets.train(1200);
        MultiDataSetIterator heldOut = TestNets.heldOut(1000).iterator(500);

        GraphNetwork single = new GraphNetwork(TestNets.twoExitCnn(11), TestNets.IMAGE);
        EarlyExitTrainer.builder(single, train.shuffled(32, 11, false)).epochs(2).seed(11).train();
        double singleLoss = TestNets.loss(single.graph(), heldOut);

        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            GraphNetwork net = new GraphNetwork(TestNets.twoExitCnn(11), TestNets.IMAGE);
            EarlyExitTrainer.Result r = SparkEarlyExitTrainer.builder(sc, net,
                            SparkEpochData.parallelize(sc, train.shuffled(16, 11, false), 2))
                    .workers(2).batchSizePerWorker(16).averagingFrequency(4).epochs(2).seed(11)
                    .exportDirectory(dir.resolve("batches").toUri().toString())
                    .listeners(TrainingListener.printing(System.out, "img")).train();
            double sparkLoss = TestNets.loss(net.graph(), heldOut);
            System.out.printf("local-cluster held-out loss: one JVM %.4f, Spark %.4f%n", singleLoss, sparkLoss);
            assertThat(r.finished()).isTrue();
            assertThat(Math.abs(sparkLoss - singleLoss)).isLessThanOrEqualTo(0.10 * singleLoss);
            // the work ran in two other JVMs
            assertThat(sc.sc().getExecutorMemoryStatus().size()).isEqualTo(3);

            ComputationGraphModel model = ComputationGraphModel.of(net.graph(), TestNets.IMAGE);
            ImageSet test = TestNets.heldOut(1000);
            List<MultiDataSet> batches = new ArrayList<>();
            MultiDataSetIterator it = test.iterator(100);
            while (it.hasNext()) {
                batches.add(it.next());
            }
            ExitOutputs dist = SparkExporter.outputs(sc, model, sc.parallelize(batches, 4));
            SparkLocalTest.assertSameOutputs(model.outputs(test.iterator(500)), dist, 1e-5);
        }
    }
}
