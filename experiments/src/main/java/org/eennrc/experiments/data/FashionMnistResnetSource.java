package org.eennrc.experiments.data;

import com.google.inject.Inject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.experiments.config.ExperimentConfig.ModelConfig;
import org.eennrc.experiments.config.ExperimentConfig.TrainingConfig;
import org.eennrc.models.Exporter;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;

/**
 * The multi-exit ResNet on Fashion-MNIST ({@code data.type: fashion-mnist}): trains it with eenn-models'
 * {@link Trainer}, or reuses a cached model whose config hash matches, then exports the outputs of every exit on
 * the configured split with {@link Exporter}.
 *
 * <p>Cache layout: {@code <cache_dir>/<hash>/} holds the trainer's output ({@code model.zip},
 * {@code model.properties}, checkpoints), {@code outputs-<split>.npz} and {@code config-hash.txt} (the text that
 * was hashed). The hash covers the model and training configuration and the data split, nothing else, so
 * protocol edits reuse the model.
 */
public final class FashionMnistResnetSource implements OutputsSource {
    private final ExperimentConfig config;
    private final ExperimentConfig.FashionMnist data;
    private final RunOptions options;
    private final Map<String, Object> provenance = new LinkedHashMap<>();

    @Inject
    public FashionMnistResnetSource(ExperimentConfig config, RunOptions options) {
        this.config = config;
        this.data = (ExperimentConfig.FashionMnist) config.data;
        this.options = options;
    }

    /** The network of the config (unset keys: eenn-models' defaults). */
    public static MultiExitResNetConfig modelConfig(ModelConfig m) {
        MultiExitResNetConfig.Builder b = MultiExitResNetConfig.builder();
        if (m.stemWidth != null) b.stemWidth(m.stemWidth);
        if (m.stemStride != null) b.stemStride(m.stemStride);
        if (m.widths != null) b.widths(ints(m.widths));
        if (m.blocks != null) b.blocks(ints(m.blocks));
        if (m.strides != null) b.strides(ints(m.strides));
        if (m.headHidden != null) b.headHidden(m.headHidden);
        if (m.seed != null) b.seed(m.seed);
        return b.build();
    }

    /** The training settings of the config (unset keys: the trainer's defaults). */
    public static TrainConfig trainConfig(TrainingConfig t, ExperimentConfig.FashionMnist d) {
        return trainConfigBuilder(t).validationSize(d.validationSize).splitSeed(d.splitSeed).build();
    }

    /** The config's training keys on top of the trainer's defaults; shared by every model experiment. */
    public static TrainConfig.Builder trainConfigBuilder(TrainingConfig t) {
        TrainConfig.Builder b = TrainConfig.builder();
        if (t.epochs != null) b.epochs(t.epochs);
        if (t.batchSize != null) b.batchSize(t.batchSize);
        if (t.optimizer != null) b.optimizer(TrainConfig.Optimizer.valueOf(t.optimizer.toUpperCase(Locale.ROOT)));
        if (t.learningRate != null) b.learningRate(t.learningRate);
        if (t.momentum != null) b.momentum(t.momentum);
        if (t.schedule != null) b.schedule(TrainConfig.Schedule.valueOf(t.schedule.toUpperCase(Locale.ROOT)));
        if (t.warmupFraction != null) b.warmupFraction(t.warmupFraction);
        if (t.weightDecay != null) b.weightDecay(t.weightDecay);
        if (t.exitWeights != null) b.exitWeights(t.exitWeights.stream().mapToDouble(Double::doubleValue).toArray());
        if (t.exitTraining != null) b.exitTraining(exitTraining(t.exitTraining));
        if (t.dropout != null) b.dropout(t.dropout);
        if (t.augmentFlip != null) b.augmentFlip(t.augmentFlip);
        if (t.seed != null) b.seed(t.seed);
        if (t.maxTrainImages != null) b.maxTrainImages(t.maxTrainImages);
        if (t.evalBatchSize != null) b.evalBatchSize(t.evalBatchSize);
        return b;
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private static TrainConfig.ExitTraining exitTraining(String name) {
        try {
            return TrainConfig.ExitTraining.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("exit_training must be joint or detached, got '" + name + "'", e);
        }
    }

    /** The text whose SHA-256 names the cache folder: sorted model and training properties plus the split. */
    public static String hashText(MultiExitResNetConfig m, TrainConfig t, ExperimentConfig.FashionMnist d) {
        StringBuilder sb = new StringBuilder("eenn-rc fashion-mnist multi-exit-resnet v1\n");
        for (Properties p : List.of(m.toProperties(), t.toProperties())) {
            new TreeMap<>(p).forEach((k, v) -> {
                if (!String.valueOf(k).contains("progress")) sb.append(k).append('=').append(v).append('\n');
            });
        }
        sb.append("data.validation_size=").append(d.validationSize).append('\n');
        sb.append("data.split_seed=").append(d.splitSeed).append('\n');
        return sb.toString();
    }

    @Override
    public ExitOutputs outputs(ExperimentData.Log log) throws Exception {
        String where = String.valueOf(config.source);
        MultiExitResNetConfig model;
        TrainConfig train;
        try {
            model = modelConfig(config.model);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where, "model", e.getMessage(), e);
        }
        try {
            train = trainConfig(config.training, data);
            Trainer.checkSupported(train);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where, "training", e.getMessage(), e);
        }
        String text = hashText(model, train, data);
        String hash = Files2.sha256(text).substring(0, 16);
        Path dir = options.modelDir(config.model, "fashion-mnist-resnet-" + hash);
        Path npz = dir.resolve("outputs-" + data.split + ".npz");
        Path modelZip = dir.resolve("model.zip");
        provenance.put("model_cache", dir.toString());
        provenance.put("config_hash", hash);
        provenance.put("model", model.toString());
        provenance.put("training", train.toString());
        boolean cached = !options.retrain() && Files.isRegularFile(modelZip) && Files.isRegularFile(dir.resolve("model.properties"));
        if (cached) {
            log.info("reusing the cached model " + dir + " (config hash " + hash + ")");
            provenance.put("trained", false);
        } else {
            log.info("training the multi-exit ResNet (" + model + "; " + train + ") into " + dir);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config-hash.txt"), text);
            long t0 = System.nanoTime();
            PrintStream err = System.err;
            // An interrupted earlier run of the same config left checkpoints: continue from the last complete epoch.
            boolean resume = !options.retrain() && Files.isRegularFile(dir.resolve(Trainer.CHECKPOINT_DIR).resolve(org.eennrc.models.train.Checkpoints.LAST));
            if (resume) log.info("resuming from the last checkpoint in " + dir.resolve(Trainer.CHECKPOINT_DIR));
            Trainer.TrainResult r = Trainer.train(model, train, data.dir, dir, resume, TrainingListener.printing(err, "img"));
            provenance.put("trained", true);
            provenance.put("train_seconds", (System.nanoTime() - t0) / 1e9);
            provenance.put("train_images_per_second", r.trainImagesPerSecond());
            Files.deleteIfExists(npz);
        }
        if (Files.isRegularFile(npz)) {
            log.info("reusing exported outputs " + npz);
            provenance.put("outputs", Files2.describe(npz));
            return ExitOutputsNpz.read(npz);
        }
        log.info("exporting the outputs of every exit on the " + data.split + " split to " + npz);
        Exporter.Split split = "validation".equals(data.split) ? Exporter.Split.VALIDATION : Exporter.Split.TEST;
        ExitOutputs o = Exporter.export(dir, data.dir, split, npz);
        log.info(Exporter.summary(o).strip().replace("\n", "; "));
        provenance.put("outputs", Files2.describe(npz));
        provenance.put("per_exit_summary", Exporter.summary(o).strip());
        return o;
    }

    @Override
    public Map<String, Object> provenance() {
        return provenance;
    }
}
