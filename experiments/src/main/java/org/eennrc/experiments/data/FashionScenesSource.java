package org.eennrc.experiments.data;

import com.google.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eennrc.core.Calibrator;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.Registry;
import org.eennrc.core.dense.DenseConfidence;
import org.eennrc.core.dense.DenseConfidences;
import org.eennrc.core.dense.DenseLosses;
import org.eennrc.core.dense.DenseOutputsBuilder;
import org.eennrc.core.dense.DenseRisk;
import org.eennrc.experiments.SceneGrid;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.ModelIO;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.FashionScenes;
import org.eennrc.models.seg.MultiExitSegNetConfig;
import org.eennrc.models.seg.SegTrainer;
import org.eennrc.models.train.Checkpoints;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The multi-exit segmentation network on Fashion-MNIST scenes ({@code data.type: fashion-scenes}): trains it with
 * {@link SegTrainer} on scenes of the training split's items, or reuses a cached model whose config hash matches;
 * then streams every exit's per-pixel probabilities on {@code data.scenes} scenes of the test split's items through a
 * {@link DenseOutputsBuilder}, one batch at a time, so that only the (N, L) confidence and loss tables are kept
 * (method.md §6): 2,000 scenes × 4 exits × 11 classes × 64 × 64 floats would be 1.4 GB.
 *
 * <p>Cache layout: {@code <cache_dir>/fashion-scenes-segnet-<hash>/} holds the trainer's output ({@code model.zip},
 * {@code model.json}, checkpoints) and {@code config-hash.txt}. The hash covers the model and training records and
 * the training scenes (count, seeds, threshold, item split); calibration scenes, risks and the protocol can change
 * without retraining.
 *
 * <p>Report section: per-exit pixel accuracy and mIoU on the scenes, and a picture grid of test scenes (input, truth,
 * exit 1, full model, and the exit each took at the λ̂ that CRC certifies for miscoverage at ε = 0.05 on the first
 * n_cal scenes).
 */
public final class FashionScenesSource implements OutputsSource {
    /** The picture grid's calibration: CRC for miscoverage at this ε (the benchmark's setting). */
    static final double PICTURE_EPSILON = 0.05;
    static final String PICTURE_RISK = "miscoverage";

    private final ExperimentConfig config;
    private final ExperimentConfig.FashionScenes data;
    private final RunOptions options;
    private final Registry registry;
    private final Map<String, Object> provenance = new LinkedHashMap<>();
    private final List<ReportSection> sections = new ArrayList<>();

    @Inject
    public FashionScenesSource(ExperimentConfig config, RunOptions options, Registry registry) {
        this.config = config;
        this.data = (ExperimentConfig.FashionScenes) config.data;
        this.options = options;
        this.registry = registry;
    }

    /** The text whose SHA-256 names the cache folder: the model, the training and the training scenes. */
    public static String hashText(MultiExitSegNetConfig m, TrainConfig t, ExperimentConfig.FashionScenes d) {
        Map<String, Object> scenes = new LinkedHashMap<>();
        scenes.put("train_scenes", d.trainScenes);
        scenes.put("validation_scenes", d.validationScenes);
        scenes.put("train_seed", d.trainSeed);
        scenes.put("validation_seed", d.validationSeed);
        scenes.put("threshold", d.threshold);
        return Files2.settingsText("eenn-rc fashion-scenes multi-exit-segnet v1",
                Map.of("model", m, "training", t, "scenes", scenes));
    }

    @Override
    public ExitOutputs outputs(ExperimentData.Log log) throws Exception {
        String where = String.valueOf(config.source);
        MultiExitSegNetConfig model = config.model.segnet;
        TrainConfig train = config.training; // checked against the network and the data by ConfigLoader
        DenseConfidence confidence;
        try {
            confidence = DenseConfidences.parse(data.confidence);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where, "data.confidence", e.getMessage(), e);
        }
        List<DenseRisk> risks = new ArrayList<>();
        for (String r : config.risks) {
            try {
                DenseRisk d = DenseRisk.byName(r);
                if (!risks.contains(d)) risks.add(d);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where, "risks", "Fashion-MNIST scenes take the dense risks "
                        + DenseRisk.names() + ", got \"" + r + "\"", e);
            }
        }
        if (!risks.contains(DenseRisk.MISCOVERAGE)) risks.add(DenseRisk.MISCOVERAGE); // the picture grid's risk
        String text = hashText(model, train, data);
        String hash = Files2.sha256(text).substring(0, 16);
        Path dir = options.modelDir(config.model, "fashion-scenes-segnet-" + hash);
        provenance.put("model_cache", dir.toString());
        provenance.put("config_hash", hash);
        provenance.put("model", model.toString());
        provenance.put("training", train.toString());
        FashionMnist fm = FashionMnist.load(data.dir, train.validationSize(), train.splitSeed());
        boolean cached = !options.retrain() && Files.isRegularFile(dir.resolve(ModelIO.MODEL_FILE))
                && Files.isRegularFile(dir.resolve(ModelIO.CONFIG_FILE));
        SegTrainer.Trained trained;
        if (cached) {
            log.info("reusing the cached model " + dir + " (config hash " + hash + ")");
            provenance.put("trained", false);
            trained = SegTrainer.load(dir);
        } else {
            log.info("training the multi-exit segmentation network (" + model + "; " + train + ") into " + dir);
            Files2.createCacheDir(dir, text);
            boolean resume = !options.retrain() && Checkpoints.resumable(dir);
            if (resume) log.info("resuming from the last checkpoint in " + dir.resolve(Checkpoints.FOLDER));
            long t0 = System.nanoTime();
            PrintStream err = System.err;
            trained = SegTrainer.train(model, train,
                    FashionScenes.of(fm.train(), data.trainScenes, data.trainSeed, data.threshold),
                    FashionScenes.of(fm.validation(), data.validationScenes, data.validationSeed, data.threshold),
                    dir, resume, 0, TrainingListener.printing(err, "img"));
            provenance.put("trained", true);
            provenance.put("train_seconds", (System.nanoTime() - t0) / 1e9);
            provenance.put("train_images_per_second", trained.trainImagesPerSecond());
        }
        // the inference form: the same probabilities with the softmax before the upsampling (faster heads); the
        // streamed tables and any predictor made from it see the same numbers
        ComputationGraphModel net = trained.inferenceModel();
        FashionScenes scenes = FashionScenes.of(fm.test(), data.scenes, data.seed, data.threshold);
        provenance.put("scenes", scenes.toString());
        int nCalPicture = pictureCalibrationSize();
        int firstPicture = Math.min(nCalPicture, scenes.size() - 1);
        int pictures = Math.min(data.pictures, scenes.size() - firstPicture);

        log.info("streaming the outputs of every exit on " + scenes.size() + " scenes (" + data.batchSize
                + " per batch; only the (N, L) tables are kept)");
        long t0 = System.nanoTime();
        int L = net.numExits();
        int C = FashionScenes.NUM_CLASSES;
        int hw = FashionScenes.SIZE * FashionScenes.SIZE;
        DenseOutputsBuilder dense = DenseOutputsBuilder.builder(L, C, FashionScenes.SIZE, FashionScenes.SIZE)
                .ignoreLabel(FashionScenes.IGNORE).confidence(confidence)
                .risks(risks.toArray(new DenseRisk[0])).seed(data.seed).build();
        int[][][] pictured = new int[pictures][L][]; // argmax maps of the pictured scenes, every exit
        double[][] picturedConf = new double[pictures][L];
        for (int from = 0; from < scenes.size(); from += data.batchSize) {
            int to = Math.min(scenes.size(), from + data.batchSize);
            INDArray[] outs = net.exitOutputs(scenes.features(from, to));
            float[][] flat = new float[L][];
            for (int e = 0; e < L; e++) flat[e] = outs[e].dup('c').data().asFloat();
            int[] truth = scenes.labels(from, to);
            for (int j = 0; j < to - from; j++) {
                float[][] probs = new float[L][];
                for (int e = 0; e < L; e++) probs[e] = Arrays.copyOfRange(flat[e], j * C * hw, (j + 1) * C * hw);
                dense.add(probs, Arrays.copyOfRange(truth, j * hw, (j + 1) * hw));
                int k = from + j - firstPicture;
                if (k >= 0 && k < pictures) {
                    for (int e = 0; e < L; e++) {
                        pictured[k][e] = DenseLosses.argmax(probs[e], C, hw);
                        picturedConf[k][e] = confidence.confidence(probs[e], C, FashionScenes.SIZE, FashionScenes.SIZE);
                    }
                }
            }
            if (from / data.batchSize % 5 == 4) log.info("  " + to + "/" + scenes.size() + " scenes");
        }
        double streamSecs = (System.nanoTime() - t0) / 1e9;
        ExitOutputs o = dense.build(net.cumulativeCost());
        double[] acc = dense.pixelAccuracyPerExit();
        double[] miou = dense.meanIoUPerExit();
        provenance.put("stream_seconds", streamSecs);
        provenance.put("confidence", confidence.name());
        provenance.put("cumulative_macs", net.cumulativeCost());
        provenance.put("full_model_macs", net.fullModelCost());
        provenance.put("per_exit_pixel_accuracy", acc);
        provenance.put("per_exit_miou", miou);
        log.info(String.format(Locale.ROOT, "per-exit pixel accuracy %s, mIoU %s (%.1f s)", fmt(acc), fmt(miou),
                streamSecs));
        sections.add(section(o, net, scenes, acc, miou, pictured, picturedConf, firstPicture, nCalPicture, log));
        return o;
    }

    /** The calibration size of the picture grid's λ̂: the largest configured n_cal that leaves test scenes. */
    private int pictureCalibrationSize() {
        int best = 0;
        for (int n : config.protocol.nCal.values()) if (n < data.scenes && n > best) best = n;
        return best;
    }

    private ReportSection section(ExitOutputs o, ComputationGraphModel net, FashionScenes scenes, double[] acc,
                                  double[] miou, int[][][] pictured, double[][] conf, int first, int nCal,
                                  ExperimentData.Log log) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d scenes of the test split's items (%s); the network was trained on "
                + "scenes of the training split's items (%s). Image confidence: `%s`. Per exit, on all %d scenes "
                + "(pixels labelled %d not counted; mIoU over the whole set, per class then averaged):%n%n",
                scenes.size(), scenes, provenance.get("trained").equals(true) ? "trained in this run" : "cached model",
                data.confidence, scenes.size(), FashionScenes.IGNORE));
        md.append("| exit | cumulative MACs | pixel accuracy | mIoU |\n| --- | --- | --- | --- |\n");
        double[] cost = net.cumulativeCost();
        for (int e = 0; e < acc.length; e++) {
            md.append(String.format(Locale.ROOT, "| %d | %.2f M | %.4f | %.4f |%n", e + 1, cost[e] / 1e6, acc[e],
                    miou[e]));
        }
        md.append(String.format(Locale.ROOT, "%nThe full model alone (every stage, last head only) costs %.2f M "
                + "multiply-adds.%n%n", net.fullModelCost() / 1e6));
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (pictured.length > 0 && nCal > 0) {
            int[] cal = new int[nCal];
            for (int i = 0; i < nCal; i++) cal[i] = i;
            Calibrator.Result r = Calibrator.builder().risk(PICTURE_RISK).controller("crc").confidence("provided")
                    .epsilon(PICTURE_EPSILON).delta(config.protocol.delta).registry(registry).build()
                    .calibrate(o.subset(cal));
            double lambda = r.policy().lambda();
            List<SceneGrid.Row> rows = new ArrayList<>();
            int L = acc.length;
            for (int k = 0; k < pictured.length; k++) {
                int e = 0;
                while (e < L - 1 && !(conf[k][e] > lambda)) e++;
                FashionScenes.Scene s = scenes.scene(first + k);
                rows.add(new SceneGrid.Row(String.format(Locale.ROOT, "scene %d; confidence per exit %s",
                        first + k, fmt(conf[k])), s.pixels(), s.labels(), pictured[k][0], pictured[k][L - 1],
                        pictured[k][e], e));
            }
            List<String> names = new ArrayList<>();
            names.add("background");
            names.addAll(Arrays.asList(FashionMnist.CLASS_NAMES));
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            SceneGrid.write(png, String.format(Locale.ROOT, "%s: test scenes, exit taken at λ̂ = %.2f (CRC, %s, "
                    + "ε = %s, first %d scenes)", config.name, lambda, PICTURE_RISK, PICTURE_EPSILON, nCal), rows,
                    FashionScenes.SIZE, FashionScenes.IGNORE, names);
            files.put("scenes-grid.png", png.toByteArray());
            md.append(String.format(Locale.ROOT, "Scenes %d–%d (test scenes: not among the first %d, on which CRC "
                    + "certified λ̂ = %.2f for %s at ε = %s): input, truth, exit 1, full model, and the prediction of "
                    + "the exit each scene took at λ̂ (named under each row). Colours: background black, ignore "
                    + "white, one colour per class (legend).%n%n![scenes](scenes-grid.png)%n", first,
                    first + pictured.length - 1, nCal, lambda, PICTURE_RISK, PICTURE_EPSILON));
            provenance.put("picture_lambda", lambda);
            log.info(String.format(Locale.ROOT, "picture grid: λ̂ = %.2f (CRC, %s, ε = %s, n_cal %d)", lambda,
                    PICTURE_RISK, PICTURE_EPSILON, nCal));
        }
        return new ReportSection("Segmentation quality and pictures", md.toString(), files);
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", v[i]));
        return sb.append(']').toString();
    }

    @Override
    public Map<String, Object> provenance() {
        return provenance;
    }

    @Override
    public List<ReportSection> reportSections() {
        return sections;
    }
}
