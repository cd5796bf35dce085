package org.eennrc.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Spark's {@code local-cluster} mode: a master and two workers in this JVM, each worker starting its own executor JVM,
 * so models, batches, parameters and outputs really cross process boundaries (serialisation, native libraries,
 * JVM flags), as on a cluster.
 */
class SparkLocalClusterTest {

    @Test
    void trainsAndExportsWithSeparateExecutorJvms() throws Exception {
        assumeTrue(FashionMnist.isAvailable(null), "needs Fashion-MNIST (apt-get install dataset-fashion-mnist)");
        LocalSparkHome.build();
        SparkConf conf = SparkSetup.conf("local-cluster[2,1,1024]", "eenn-spark local-cluster test")
                .set("spark.executor.memory", "640m")
                .set("spark.executor.extraJavaOptions", SparkSetup.addOpensOptions()
                        + " -Dorg.bytedeco.javacpp.maxbytes=500m -Dorg.bytedeco.javacpp.maxphysicalbytes=1100m"
                        + " -Dorg.eclipse.deeplearning4j.helpers.disable=false");
        ImageSet train = TestNets.train(1024);
        MultiDataSetIterator heldOut = TestNets.heldOut(1000).iterator(500);
        double initial = TestNets.loss(TestNets.twoExitCnn(11), heldOut);

        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            GraphNetwork net = new GraphNetwork(TestNets.twoExitCnn(11), TestNets.IMAGE);
            // no shared file system here, so the trainer falls back to batches inside the RDD (DL4J's Direct)
            EarlyExitTrainer.Result r = SparkEarlyExitTrainer.builder(sc, net,
                            SparkEpochData.parallelize(sc, train.shuffled(16, 11, false), 2))
                    .workers(2).batchSizePerWorker(16).averagingFrequency(4).epochs(1).seed(11)
                    .listeners(TrainingListener.validation(TestNets.heldOut(500).iterator(500)),
                            TrainingListener.printing(System.out, "img")).train();
            double sparkLoss = TestNets.loss(net.graph(), heldOut);
            System.out.printf("local-cluster held-out loss: initial %.4f, after one epoch %.4f%n", initial, sparkLoss);
            assertThat(r.finished()).isTrue();
            assertThat(sparkLoss).isLessThan(0.25 * initial);
            assertThat(r.history().get(0).validationAccuracy()[1]).isGreaterThan(0.5);
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
