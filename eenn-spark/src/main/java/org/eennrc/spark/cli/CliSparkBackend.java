package org.eennrc.spark.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.eennrc.cli.spi.SparkBackend;
import org.eennrc.core.ExitOutputs;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.Exporter;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.train.Checkpoints;
import org.eennrc.models.train.EarlyExitTrainer;
import org.eennrc.models.train.GraphNetwork;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.risk.provenance.Provenance;
import org.eennrc.spark.SparkEarlyExitTrainer;
import org.eennrc.spark.SparkEpochData;
import org.eennrc.spark.SparkExporter;
import org.eennrc.spark.SparkSetup;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * The {@code --spark} runner of {@code eenn train} and {@code eenn export} (found by the CLI with ServiceLoader): the
 * built-in ResNet's recipe ({@link Trainer}) with {@link SparkEarlyExitTrainer} in place of the single-JVM loop, and
 * the single-JVM export with {@link SparkExporter}. Fashion-MNIST is read on the driver and shipped in batches.
 */
public final class CliSparkBackend implements SparkBackend {

    @Override
    public Trainer.TrainResult trainResNet(String master, int averagingFrequency, MultiExitResNetConfig model,
                                           TrainConfig cfg, Path dataDir, Path outDir, boolean resume,
                                           TrainingListener listener) {
        Trainer.checkSupported(cfg);
        cfg.requireExits(model.numExits());
        Dl4jRuntime.init();
        FashionMnist data = FashionMnist.load(dataDir, cfg.validationSize(), cfg.splitSeed());
        ImageSet train = data.train();
        ImageSet validation = data.validation();
        if (cfg.maxTrainImages() > 0 && cfg.maxTrainImages() < train.size()) {
            train = train.range(0, cfg.maxTrainImages());
        }
        try (JavaSparkContext sc = SparkSetup.context(master, "eenn train")) {
            int workers = sc.defaultParallelism();
            int n = train.size();
            int stepsPerEpoch = (n + cfg.batchSize() * workers - 1) / (cfg.batchSize() * workers);
            int totalIters = stepsPerEpoch * cfg.epochs();
            GraphNetwork net = new GraphNetwork(
                    MultiExitResNet.build(model, cfg.updater(totalIters), cfg.weightDecay(), cfg.exitWeights()),
                    InputType.convolutional(model.height(), model.width(), model.channels()));
            listener.onStart(String.format(Locale.ROOT, "[eenn] %s%n[eenn] %s; train %d, validation %d images", model,
                    cfg, n, validation.size()));
            Provenance.Builder provenance = Provenance.start("train " + ModelIO.RESNET + " --spark " + master, List.of());
            List<TrainingListener> listeners = new ArrayList<>();
            if (validation.size() > 0) {
                listeners.add(TrainingListener.validation(validation.iterator(cfg.evalBatchSize())));
            }
            listeners.add(new Checkpoints(outDir.resolve(Checkpoints.FOLDER), model, cfg));
            listeners.add(listener);
            EarlyExitTrainer.Result r = SparkEarlyExitTrainer.builder(sc, net,
                            SparkEpochData.parallelize(sc, train.shuffled(cfg.batchSize(), cfg.seed(), cfg.augmentFlip()),
                                    workers))
                    .workers(workers).batchSizePerWorker(cfg.batchSize()).averagingFrequency(averagingFrequency)
                    .epochs(cfg.epochs()).seed(cfg.seed()).resume(resume)
                    .learningRate(i -> cfg.learningRateAt(i, totalIters))
                    .listeners(listeners).train();
            if (r.finished()) {
                ModelIO.Trained trained = new ModelIO.Trained(r.completedEpochs(), net.iteration());
                ModelIO.save(outDir, model, net.graph(), cfg, trained);
                ModelIO.writeProvenance(outDir, provenance,
                        new ModelIO.Description<>(ModelIO.RESNET, model, cfg, trained), r);
            }
            return new Trainer.TrainResult(model, cfg, net.graph(), r.history(), r.completedEpochs(), r.finished(),
                    r.wallSeconds(), r.trainSamplesPerSecond(), outDir);
        }
    }

    @Override
    public ExitOutputs exportResNet(String master, Path modelPath, Path dataDir, Exporter.Split split, Path outNpz,
                                    boolean foldBatchNorm) {
        ModelIO.TrainedModel m = ModelIO.load(modelPath);
        ImageSet images = Exporter.fashionMnistSplit(m, dataDir, split);
        ComputationGraphModel model = MultiExitResNet.earlyExitModel(m.config(), m.graph());
        if (foldBatchNorm) {
            model = model.withFoldedBatchNorm();
        }
        try (JavaSparkContext sc = SparkSetup.context(master, "eenn export")) {
            ExitOutputs o = SparkExporter.outputs(sc, model, batches(sc, images, Exporter.DEFAULT_BATCH))
                    .withModelSha256(Exporter.modelSha256(modelPath));
            Exporter.write(o, outNpz);
            return o;
        }
    }

    /** The images in batches, in order, as an RDD with one partition per default worker. */
    static JavaRDD<MultiDataSet> batches(JavaSparkContext sc, ImageSet images, int batchSize) {
        List<MultiDataSet> list = new ArrayList<>();
        MultiDataSetIterator it = images.iterator(batchSize);
        while (it.hasNext()) {
            list.add(it.next());
        }
        return sc.parallelize(list, Math.min(list.size(), sc.defaultParallelism()));
    }
}
