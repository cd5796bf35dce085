package org.eennrc.models.seg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.ModelIO;
import org.eennrc.models.SettingException;
import org.eennrc.models.data.FashionScenes;
import org.eennrc.models.train.EarlyExitTrainer;
import org.eennrc.models.train.GraphNetwork;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.risk.io.AtomicFiles;
import org.eennrc.risk.provenance.Provenance;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The segmentation network's training recipe on {@link EarlyExitTrainer}: joint training of all exits on Fashion-MNIST
 * scenes (fresh scenes every epoch, {@link FashionScenes#epochs}), every exit's per-pixel cross-entropy with the ignore
 * label masked out, per-exit pixel accuracy on validation scenes after every epoch ({@link #validation}), checkpoints
 * for exact resume, and progress.
 *
 * <p>Layout of {@code outDir}: {@code checkpoints/}, then {@code model.zip} + {@code model.json} (type
 * {@value #TYPE}) + provenance, as {@link ModelIO} writes them for the ResNet.
 */
public final class SegTrainer {
    /** {@code type} of the segmentation network in {@code model.json}. */
    public static final String TYPE = "multi-exit-segnet";

    private SegTrainer() {
    }

    /** A trained segmentation network and how it was trained. */
    public record Trained(MultiExitSegNetConfig config, ComputationGraph graph, TrainConfig training,
                          List<TrainingListener.EpochSummary> history, boolean finished, double wallSeconds,
                          double trainImagesPerSecond) {
        /** The trained graph as an early-exit model (live: it sees the graph's current parameters). */
        public ComputationGraphModel model() {
            return MultiExitSegNet.earlyExitModel(config, graph);
        }

        /** Its inference form ({@link MultiExitSegNet#inferenceModel}): the same probabilities, faster heads. */
        public ComputationGraphModel inferenceModel() {
            return MultiExitSegNet.inferenceModel(config, graph);
        }
    }

    /**
     * Trains on {@code train} (its size is the scenes per epoch; epoch e uses the scenes of seed + e), validating on
     * {@code validation} (may be null).
     *
     * @param stopAfterEpochs stop after this many epochs of this call (0: run to the end); resume continues
     */
    public static Trained train(MultiExitSegNetConfig model, TrainConfig cfg, FashionScenes train,
                                FashionScenes validation, Path outDir, boolean resume, int stopAfterEpochs,
                                TrainingListener listener) {
        checkSupported(cfg);
        if (model.height() != FashionScenes.SIZE || model.width() != FashionScenes.SIZE
                || model.numClasses() != FashionScenes.NUM_CLASSES || model.channels() != 1) {
            throw new SettingException("model", "Fashion-MNIST scenes need a 64x64x1 input and 11 classes, got "
                    + model);
        }
        Dl4jRuntime.init();
        TrainingListener out = listener != null ? listener : TrainingListener.printing(System.out, "img");
        int totalIters = (train.size() + cfg.batchSize() - 1) / cfg.batchSize() * cfg.epochs();
        GraphNetwork net = new GraphNetwork(MultiExitSegNet.build(model, cfg.updater(totalIters), cfg.weightDecay()),
                MultiExitSegNet.inputType(model));
        out.onStart(String.format(Locale.ROOT, "[eenn] %s%n[eenn] %s; %s per epoch, validation %s", model, cfg, train,
                validation));
        Provenance.Builder provenance = Provenance.start("train " + TYPE, List.of());
        EarlyExitTrainer.Builder b = EarlyExitTrainer.builder(net, train.epochs(cfg.batchSize()))
                .settings(cfg, totalIters).stopAfterEpochs(stopAfterEpochs).resume(resume);
        if (validation != null) {
            b.listeners(validation(validation, cfg.evalBatchSize()));
        }
        EarlyExitTrainer.Result r = b.standardListeners(null, outDir, model, cfg, out).train();
        if (r.finished()) {
            save(outDir, model, net.graph(), cfg, new ModelIO.Trained(r.completedEpochs(), net.iteration()));
            ModelIO.writeProvenance(outDir, provenance,
                    new ModelIO.Description<>(TYPE, model, cfg, new ModelIO.Trained(r.completedEpochs(),
                            net.iteration())), r);
        }
        return new Trained(model, net.graph(), cfg, r.history(), r.finished(), r.wallSeconds(),
                r.trainSamplesPerSecond());
    }

    /**
     * Rejects the settings this recipe does not support: only joint exit training, no dropout, no exit weights (every
     * exit's loss counts once), no flips (every epoch has fresh scenes).
     *
     * @throws SettingException naming the setting
     */
    public static void checkSupported(TrainConfig cfg) {
        if (cfg.exitTraining() != TrainConfig.ExitTraining.JOINT) {
            throw new SettingException("training.exit_training", "must be joint for the segmentation network");
        }
        if (cfg.dropout() > 0) {
            throw new SettingException("training.dropout", "must be 0 for the segmentation network");
        }
        if (cfg.exitWeights() != null) {
            throw new SettingException("training.exit_weights", "is not supported by the segmentation network "
                    + "(every exit's loss counts once)");
        }
        if (cfg.augmentFlip()) {
            throw new SettingException("training.augment_flip", "is not supported by the segmentation network "
                    + "(every epoch has fresh scenes)");
        }
    }

    /** Writes {@code dir/model.zip} (no updater state) and {@code dir/model.json}. */
    public static void save(Path dir, MultiExitSegNetConfig config, ComputationGraph graph, TrainConfig training,
                            ModelIO.Trained trained) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(ModelIO.MODEL_FILE), o -> ModelSerializer.writeModel(graph, o, false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelIO.writeDescription(dir, new ModelIO.Description<>(TYPE, config, training, trained));
    }

    /** Loads a network saved by {@link #save} (or by a finished {@link #train}). */
    public static Trained load(Path dir) {
        Dl4jRuntime.init();
        ModelIO.Description<MultiExitSegNetConfig> d = ModelIO.readDescription(dir, TYPE, MultiExitSegNetConfig.class);
        Path zip = dir.resolve(ModelIO.MODEL_FILE);
        if (!Files.isRegularFile(zip)) {
            throw new IllegalArgumentException("no trained model at " + dir + " (no " + ModelIO.MODEL_FILE + ")");
        }
        try {
            return new Trained(d.model(), ModelSerializer.restoreComputationGraph(zip.toFile(), false), d.training(),
                    List.of(), true, 0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("loading " + zip, e);
        }
    }

    /**
     * Per-exit pixel accuracy on labelled scenes after every epoch (pixels with the ignore label not counted), as the
     * validation accuracies of the epoch summary.
     */
    public static TrainingListener validation(FashionScenes scenes, int batchSize) {
        return new TrainingListener() {
            @Override
            public EpochSummary onEpochEnd(org.eennrc.models.train.TrainableNetwork network, EpochSummary s) {
                long t0 = System.nanoTime();
                double[] acc = pixelAccuracy((ComputationGraphModel) network.model(), scenes.iterator(batchSize));
                return s.withValidation(acc, (System.nanoTime() - t0) / 1e9);
            }
        };
    }

    /**
     * Per-exit pixel accuracy of a segmentation model on batches whose labels are one-hot [b, C, H, W] with a label
     * mask [b, 1, H, W] (0: ignored), as {@link FashionScenes#batch} makes them.
     */
    public static double[] pixelAccuracy(ComputationGraphModel model, MultiDataSetIterator data) {
        if (data.resetSupported()) {
            data.reset();
        }
        long[] correct = new long[model.numExits()];
        long counted = 0;
        while (data.hasNext()) {
            MultiDataSet batch = data.next();
            INDArray[] outs = model.exitOutputs(batch.getFeatures());
            int[] truth = Nd4j.argMax(batch.getLabels(0), 1).dup('c').data().asInt();
            float[] mask = batch.getLabelsMaskArray(0).dup('c').data().asFloat();
            for (float m : mask) {
                counted += m > 0 ? 1 : 0;
            }
            for (int e = 0; e < outs.length; e++) {
                int[] pred = Nd4j.argMax(outs[e], 1).dup('c').data().asInt();
                for (int p = 0; p < pred.length; p++) {
                    if (mask[p] > 0 && pred[p] == truth[p]) {
                        correct[e]++;
                    }
                }
            }
        }
        double[] acc = new double[correct.length];
        for (int e = 0; e < acc.length; e++) {
            acc[e] = counted == 0 ? Double.NaN : correct[e] / (double) counted;
        }
        return acc;
    }
}
