package org.eennrc.models.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.SettingException;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.risk.provenance.Provenance;

/**
 * The built-in ResNet's training recipe on {@link EarlyExitTrainer}: joint training of all exits (DL4J sums the
 * optionally weighted cross-entropy losses of the exit outputs), batches reshuffled per epoch by the seed
 * ({@link ImageSet#shuffled}), per-exit validation, and checkpoints for exact resume.
 *
 * <p>Layout of {@code outDir}: {@code checkpoints/} (see {@link Checkpoints}: {@code epoch-NNNN.zip} with updater
 * state, {@code epoch-NNNN.json}, {@code LAST}) and at the end {@code model.zip} + {@code model.json}
 * ({@link ModelIO}: the model and training configurations and the epochs and iterations trained).
 */
public final class Trainer {
    /** Where the checkpoints go inside the output folder. */
    public static final String CHECKPOINT_DIR = Checkpoints.FOLDER;

    private Trainer() {
    }

    /** Outcome of a training run. */
    public record TrainResult(MultiExitResNetConfig model, TrainConfig train, ComputationGraph graph,
                              List<TrainingListener.EpochSummary> history, int completedEpochs, boolean finished,
                              double wallSeconds, double trainImagesPerSecond, Path outDir) {
    }

    /**
     * Rejects the transformer-only settings: the ResNet trains its exits jointly and has no dropout.
     *
     * @throws SettingException naming the setting
     */
    public static void checkSupported(TrainConfig cfg) {
        if (cfg.exitTraining() != TrainConfig.ExitTraining.JOINT) {
            throw new SettingException("training.exit_training", "must be joint: the ResNet trains its exits jointly; "
                    + cfg.exitTraining().name().toLowerCase(Locale.ROOT) + " is supported by the transformer only");
        }
        if (cfg.dropout() > 0) {
            throw new SettingException("training.dropout", "must be 0: dropout is supported by the transformer only,"
                    + " got " + cfg.dropout());
        }
    }

    /**
     * Trains on Fashion-MNIST.
     *
     * @param dataDir  directory with the IDX files, null for the Debian package's folder
     * @param outDir   where checkpoints and the final model go
     * @param resume   continue from the newest checkpoint in {@code outDir/checkpoints} (error if absent)
     * @param listener progress reports; null for {@link TrainingListener#printing} to stdout
     */
    public static TrainResult train(MultiExitResNetConfig model, TrainConfig cfg, Path dataDir, Path outDir,
                                    boolean resume, TrainingListener listener) {
        Dl4jRuntime.init();
        FashionMnist data = FashionMnist.load(dataDir, cfg.validationSize(), cfg.splitSeed());
        return train(model, cfg, data.train(), data.validation(), outDir, resume, listener);
    }

    /** Trains on the given training and validation sets (validation may be empty). */
    public static TrainResult train(MultiExitResNetConfig model, TrainConfig cfg, ImageSet train, ImageSet validation,
                                    Path outDir, boolean resume, TrainingListener listener) {
        return train(model, cfg, train, validation, outDir, resume, 0, listener);
    }

    /**
     * Trains on the given training and validation sets (validation may be empty), stopping after
     * {@code stopAfterEpochs} epochs of this call (0: run to {@code cfg.epochs()}); resume continues.
     */
    public static TrainResult train(MultiExitResNetConfig model, TrainConfig cfg, ImageSet train, ImageSet validation,
                                    Path outDir, boolean resume, int stopAfterEpochs, TrainingListener listener) {
        checkSupported(cfg);
        cfg.requireExits(model.numExits());
        Dl4jRuntime.init();
        TrainingListener out = listener != null ? listener : TrainingListener.printing(System.out, "img");
        if (cfg.maxTrainImages() > 0 && cfg.maxTrainImages() < train.size()) {
            train = train.range(0, cfg.maxTrainImages());
        }
        int n = train.size();
        int totalIters = (n + cfg.batchSize() - 1) / cfg.batchSize() * cfg.epochs();
        GraphNetwork net = new GraphNetwork(
                MultiExitResNet.build(model, cfg.updater(totalIters), cfg.weightDecay(), cfg.exitWeights()),
                InputType.convolutional(model.height(), model.width(), model.channels()));
        out.onStart(String.format(Locale.ROOT, "[eenn] %s%n[eenn] %s; train %d, validation %d images", model, cfg, n,
                validation.size()));
        Provenance.Builder provenance = Provenance.start("train " + ModelIO.RESNET, List.of());
        EarlyExitTrainer.Result r = EarlyExitTrainer.builder(net, train.shuffled(cfg.batchSize(), cfg.seed(),
                        cfg.augmentFlip()))
                .settings(cfg, totalIters).stopAfterEpochs(stopAfterEpochs).resume(resume)
                .standardListeners(validation.size() > 0 ? validation.iterator(cfg.evalBatchSize()) : null, outDir,
                        model, cfg, out)
                .train();
        if (r.finished()) {
            ModelIO.Trained trained = new ModelIO.Trained(r.completedEpochs(), net.iteration());
            ModelIO.save(outDir, model, net.graph(), cfg, trained);
            ModelIO.writeProvenance(outDir, provenance, new ModelIO.Description<>(ModelIO.RESNET, model, cfg, trained), r);
        }
        return new TrainResult(model, cfg, net.graph(), r.history(), r.completedEpochs(), r.finished(), r.wallSeconds(),
                r.trainSamplesPerSecond(), outDir);
    }
}
