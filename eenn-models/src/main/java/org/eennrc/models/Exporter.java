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

/**
 * Runs every exit of a trained model on a data set and produces eenn-core {@link ExitOutputs} (probabilities,
 * labels, cumulative multiply-adds per exit from {@link MultiExitResNet#flops}), written as the interchange
 * {@code .npz}.
 */
public final class Exporter {
    public static final int DEFAULT_BATCH = 500;

    private Exporter() {
    }

    /** Which Fashion-MNIST split to export. */
    public enum Split { TEST, VALIDATION, TRAIN }

    /** The outputs of every exit on {@code data}. */
    public static ExitOutputs outputs(MultiExitResNetConfig c, ComputationGraph g, ImageSet data, int batchSize) {
        return outputs(c, g, data, batchSize, false);
    }

    /** As above; with {@code foldBatchNorm} through the folded inference form of the graph (see EarlyExitRunner). */
    public static ExitOutputs outputs(MultiExitResNetConfig c, ComputationGraph g, ImageSet data, int batchSize,
                                      boolean foldBatchNorm) {
        Dl4jRuntime.init();
        float[] probs = ExitEvaluator.allExitProbabilities(StageGraphs.inferenceGraph(c, g, foldBatchNorm), data,
                batchSize);
        return ExitOutputs.builder(data.size(), c.numExits(), data.numClasses())
                .probsOwned(probs)
                .labels(data.labels())
                .flops(MultiExitResNet.flops(c).cumulativePerExit())
                .build();
    }

    /**
     * Loads the model at {@code modelPath} (a training output directory or a checkpoint zip), runs it on a
     * Fashion-MNIST split and writes the npz (compressed) to {@code outNpz}.
     *
     * @param dataDir Fashion-MNIST directory, null for the default
     * @return the outputs written
     */
    public static ExitOutputs export(Path modelPath, Path dataDir, Split split, Path outNpz) {
        ModelIO.TrainedModel m = ModelIO.load(modelPath);
        int valSize = Integer.parseInt(m.properties().getProperty("train.validationSize",
                Integer.toString(FashionMnist.DEFAULT_VALIDATION_SIZE)));
        long splitSeed = Long.parseLong(m.properties().getProperty("train.splitSeed",
                Long.toString(FashionMnist.DEFAULT_SPLIT_SEED)));
        FashionMnist d = FashionMnist.load(dataDir, valSize, splitSeed);
        ImageSet data = switch (split) {
            case TEST -> d.test();
            case VALIDATION -> d.validation();
            case TRAIN -> d.train();
        };
        return export(m.config(), m.graph(), data, outNpz);
    }

    /** Runs every exit on {@code data} and writes the compressed npz. */
    public static ExitOutputs export(MultiExitResNetConfig c, ComputationGraph g, ImageSet data, Path outNpz) {
        ExitOutputs o = outputs(c, g, data, DEFAULT_BATCH);
        try {
            if (outNpz.getParent() != null) {
                Files.createDirectories(outNpz.getParent());
            }
            ExitOutputsNpz.write(outNpz, o, true);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + outNpz, e);
        }
        return o;
    }

    /** One line per exit: accuracy and cumulative MACs. */
    public static String summary(ExitOutputs o) {
        StringBuilder sb = new StringBuilder();
        double[] f = o.flops();
        for (int l = 0; l < o.numExits(); l++) {
            int correct = 0;
            for (int i = 0; i < o.numSamples(); i++) {
                if (o.prediction(i, l) == o.label(i)) {
                    correct++;
                }
            }
            sb.append(String.format(Locale.ROOT, "exit %d: accuracy %.4f, cumulative MACs %.3f M%n", l + 1,
                    correct / (double) o.numSamples(), f == null ? Double.NaN : f[l] / 1e6));
        }
        return sb.toString();
    }
}
