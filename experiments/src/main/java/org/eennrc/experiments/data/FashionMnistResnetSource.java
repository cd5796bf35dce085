package org.eennrc.experiments.data;

import com.google.inject.Inject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Exporter;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.SpeedTest;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;

/**
 * The multi-exit ResNet on Fashion-MNIST ({@code data.type: fashion-mnist}): trains it with eenn-models'
 * {@link Trainer}, or reuses a cached model whose config hash matches, then exports the outputs of every exit on
 * the configured split with {@link Exporter}.
 *
 * <p>Cache layout: {@code <cache_dir>/fashion-mnist-resnet-<hash>/} holds the trainer's output ({@code model.zip},
 * {@code model.json}, checkpoints), {@code outputs-<split>.npz} and {@code config-hash.txt} (the text that was
 * hashed: {@link #hashText}). The hash covers the model and training records (with the data split), nothing else,
 * so protocol edits reuse the model.
 */
public final class FashionMnistResnetSource implements OutputsSource {
    private final ExperimentConfig config;
    private final ExperimentConfig.FashionMnist data;
    private final RunOptions options;
    private final Map<String, Object> provenance = new LinkedHashMap<>();
    private final List<ReportSection> sections = new ArrayList<>();

    @Inject
    public FashionMnistResnetSource(ExperimentConfig config, RunOptions options) {
        this.config = config;
        this.data = (ExperimentConfig.FashionMnist) config.data;
        this.options = options;
    }

    /**
     * The text whose SHA-256 names the cache folder: the canonical JSON of the model and training records (the
     * training record holds the data split).
     */
    public static String hashText(MultiExitResNetConfig m, TrainConfig t) {
        return Files2.settingsText("eenn-rc fashion-mnist multi-exit-resnet v2", Map.of("model", m, "training", t));
    }

    @Override
    public ExitOutputs outputs(ExperimentData.Log log) throws Exception {
        MultiExitResNetConfig model = config.model.resnet;
        TrainConfig train = config.training; // checked against the network and the data by ConfigLoader
        String text = hashText(model, train);
        String hash = Files2.sha256(text).substring(0, 16);
        Path dir = options.modelDir(config.model, "fashion-mnist-resnet-" + hash);
        Path npz = dir.resolve("outputs-" + data.split + ".npz");
        Path modelZip = dir.resolve("model.zip");
        provenance.put("model_cache", dir.toString());
        provenance.put("config_hash", hash);
        provenance.put("model", model.toString());
        provenance.put("training", train.toString());
        boolean cached = !options.retrain() && Files.isRegularFile(modelZip) && Files.isRegularFile(dir.resolve(ModelIO.CONFIG_FILE));
        if (cached) {
            log.info("reusing the cached model " + dir + " (config hash " + hash + ")");
            provenance.put("trained", false);
        } else {
            log.info("training the multi-exit ResNet (" + model + "; " + train + ") into " + dir);
            Files2.createCacheDir(dir, text);
            long t0 = System.nanoTime();
            PrintStream err = System.err;
            // An interrupted earlier run of the same config left checkpoints: continue from the last complete epoch.
            boolean resume = !options.retrain() && org.eennrc.models.train.Checkpoints.resumable(dir);
            if (resume) log.info("resuming from the last checkpoint in " + dir.resolve(Trainer.CHECKPOINT_DIR));
            Trainer.TrainResult r = Trainer.train(model, train, data.dir, dir, resume, TrainingListener.printing(err, "img"));
            provenance.put("trained", true);
            provenance.put("train_seconds", (System.nanoTime() - t0) / 1e9);
            provenance.put("train_images_per_second", r.trainImagesPerSecond());
            Files.deleteIfExists(npz);
        }
        ExitOutputs o;
        if (Files.isRegularFile(npz)) {
            log.info("reusing exported outputs " + npz);
            provenance.put("outputs", Files2.describe(npz));
            o = ExitOutputsNpz.read(npz);
        } else {
            log.info("exporting the outputs of every exit on the " + data.split + " split to " + npz);
            Exporter.Split split = "validation".equals(data.split) ? Exporter.Split.VALIDATION : Exporter.Split.TEST;
            o = Exporter.export(dir, data.dir, split, npz);
            log.info(Exporter.summary(o).strip().replace("\n", "; "));
            provenance.put("outputs", Files2.describe(npz));
            provenance.put("per_exit_summary", Exporter.summary(o).strip());
        }
        if (config.speed != null) {
            sections.add(speed(dir, train, o, log));
        }
        return o;
    }

    /** Real early exit timed against the full model on the exported split (the config's {@code speed} block). */
    private ReportSection speed(Path dir, TrainConfig train, ExitOutputs o, ExperimentData.Log log) throws Exception {
        ModelIO.TrainedModel m = ModelIO.load(dir);
        FashionMnist images = FashionMnist.load(data.dir, train.validationSize(), train.splitSeed());
        ImageSet set = "validation".equals(data.split) ? images.validation() : images.test();
        if (set.size() != o.numSamples()) {
            throw new IllegalStateException("the exported outputs " + dir.resolve("outputs-" + data.split + ".npz")
                    + " hold " + o.numSamples() + " examples but the " + data.split + " split has " + set.size()
                    + "; delete that file to export again");
        }
        ComputationGraphModel model = MultiExitResNet.earlyExitModel(m.config(), m.graph());
        List<SpeedSection.Form> forms = new ArrayList<>();
        forms.add(new SpeedSection.Form("as trained", o, model.predictor()));
        if (config.speed.foldBatchNorm) {
            // the deployment form: its own outputs, so that its policy is certified for what runs
            ComputationGraphModel folded = model.withFoldedBatchNorm();
            forms.add(new SpeedSection.Form("batch norm folded", folded.outputs(set.iterator(500)), folded.predictor()));
        }
        return SpeedSection.measure(config, forms, idx -> SpeedTest.inputs(set.subset(idx)), set.labels(),
                model.cumulativeCost(), log, provenance);
    }

    @Override
    public List<ReportSection> reportSections() {
        return sections;
    }

    @Override
    public Map<String, Object> provenance() {
        return provenance;
    }
}
