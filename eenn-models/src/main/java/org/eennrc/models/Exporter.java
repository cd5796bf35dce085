package org.eennrc.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.text.TextTrainer;
import org.eennrc.risk.provenance.FileDigest;

/**
 * Exports every exit's outputs of a trained model as the interchange {@code .npz} (probabilities, labels, cumulative
 * multiply-adds per exit counted from the graph, and the SHA-256 of the model file), for calibration inside or outside
 * this project. The model hash travels into the policy calibrated on the outputs, so that {@code eenn infer} can
 * refuse to run it on another model.
 */
public final class Exporter {
    public static final int DEFAULT_BATCH = 500;

    private Exporter() {
    }

    /** Which split of a data set to export. */
    public enum Split { TEST, VALIDATION, TRAIN }

    /** The Fashion-MNIST split a saved ResNet was trained with (its validation size and split seed). */
    public static ImageSet fashionMnistSplit(ModelIO.TrainedModel m, Path dataDir, Split split) {
        FashionMnist d = FashionMnist.load(dataDir, m.training().validationSize(), m.training().splitSeed());
        return switch (split) {
            case TEST -> d.test();
            case VALIDATION -> d.validation();
            case TRAIN -> d.train();
        };
    }

    /**
     * Loads the ResNet at {@code modelPath} (a training output directory or a checkpoint zip), runs every exit on a
     * Fashion-MNIST split and writes the npz (compressed) to {@code outNpz}.
     *
     * @param dataDir Fashion-MNIST directory, null for the default
     * @return the outputs written
     */
    public static ExitOutputs export(Path modelPath, Path dataDir, Split split, Path outNpz) {
        return export(modelPath, dataDir, split, outNpz, false);
    }

    /**
     * As {@link #export(Path, Path, Split, Path)}; with {@code foldBatchNorm} the outputs of the folded inference form
     * ({@link ComputationGraphModel#withFoldedBatchNorm()}), to calibrate a policy for folded real early exit.
     */
    public static ExitOutputs export(Path modelPath, Path dataDir, Split split, Path outNpz, boolean foldBatchNorm) {
        ModelIO.TrainedModel m = ModelIO.load(modelPath);
        ExitOutputs o = outputs(m.config(), m.graph(), fashionMnistSplit(m, dataDir, split), foldBatchNorm)
                .withModelSha256(modelSha256(modelPath));
        write(o, outNpz);
        return o;
    }

    /**
     * The file holding the trained network that {@code modelPath} names, the one the model commands load: a training
     * folder's {@code model.sd} (transformer) or {@code model.zip} (ResNet), or the checkpoint zip itself.
     */
    public static Path modelFile(Path modelPath) {
        if (!Files.isDirectory(modelPath)) {
            return modelPath;
        }
        Path sd = modelPath.resolve(TextTrainer.MODEL_FILE);
        return Files.isRegularFile(sd) ? sd : modelPath.resolve(ModelIO.MODEL_FILE);
    }

    /**
     * The SHA-256 (hex) of {@link #modelFile}: what exported outputs and the policies calibrated on them record as
     * their model, and what {@code eenn infer} compares with.
     *
     * @throws UncheckedIOException if the file cannot be read
     */
    public static String modelSha256(Path modelPath) {
        Path f = modelFile(modelPath);
        try {
            return FileDigest.sha256(f);
        } catch (IOException e) {
            throw new UncheckedIOException("no trained model at " + modelPath + " (cannot read " + f + ")", e);
        }
    }

    /** Runs every exit of the ResNet on {@code data} and writes the compressed npz. */
    public static ExitOutputs export(MultiExitResNetConfig c, ComputationGraph g, ImageSet data, Path outNpz) {
        return export(c, g, data, outNpz, false);
    }

    /** As above, optionally through the folded inference form. */
    public static ExitOutputs export(MultiExitResNetConfig c, ComputationGraph g, ImageSet data, Path outNpz,
                                     boolean foldBatchNorm) {
        ExitOutputs o = outputs(c, g, data, foldBatchNorm);
        write(o, outNpz);
        return o;
    }

    private static ExitOutputs outputs(MultiExitResNetConfig c, ComputationGraph g, ImageSet data,
                                       boolean foldBatchNorm) {
        ComputationGraphModel model = MultiExitResNet.earlyExitModel(c, g);
        if (foldBatchNorm) {
            model = model.withFoldedBatchNorm();
        }
        return model.outputs(data.iterator(DEFAULT_BATCH));
    }

    /** Writes outputs as a compressed npz (atomically), creating the parent folder. */
    public static void write(ExitOutputs o, Path npz) {
        try {
            Path parent = npz.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ExitOutputsNpz.write(npz, o, true);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + npz, e);
        }
    }

    /** One line per exit: accuracy and cumulative MACs. */
    public static String summary(ExitOutputs o) {
        StringBuilder sb = new StringBuilder();
        double[] f = o.flops();
        double[] acc = o.accuracyPerExit();
        for (int l = 0; l < o.numExits(); l++) {
            sb.append(String.format(Locale.ROOT, "exit %d: accuracy %.4f, cumulative MACs %.3f M%n", l + 1,
                    acc[l], f == null ? Double.NaN : f[l] / 1e6));
        }
        return sb.toString();
    }
}
