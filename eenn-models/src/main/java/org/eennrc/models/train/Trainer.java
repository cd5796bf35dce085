package org.eennrc.models.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Joint training of all exits: DL4J sums the (optionally weighted) cross-entropy losses of the exit outputs.
 *
 * <p>Layout of {@code outDir}: {@code checkpoints/epoch-NNNN.zip} (model with updater state) and
 * {@code checkpoints/epoch-NNNN.properties} (configurations, epoch, iteration, history) written every epoch,
 * {@code checkpoints/LAST} naming the newest complete checkpoint (written last, so a crash mid-write leaves the
 * previous one in force), and at the end {@code model.zip} + {@code model.properties}.
 *
 * <p>Reproducibility: the network is initialised from the model seed; the order of the training images (and the
 * flips, with augmentation) in epoch e comes from {@code new Random(seed * 1_000_003 + e)}, and ND4J's RNG is
 * reseeded with {@code seed + e} at the start of epoch e. Resuming after epoch e therefore continues with exactly
 * the batches an uninterrupted run would have used, from the saved parameters, updater state (Adam moments) and
 * iteration/epoch counters (which drive the learning-rate schedule).
 */
public final class Trainer {
    public static final String CHECKPOINT_DIR = "checkpoints";
    public static final String LAST = "LAST";

    private Trainer() {
    }

    /** Outcome of a training run. */
    public record TrainResult(MultiExitResNetConfig model, TrainConfig train, ComputationGraph graph,
                              List<ProgressListener.EpochSummary> history, int completedEpochs, boolean finished,
                              double wallSeconds, double trainImagesPerSecond, Path outDir) {
    }

    /** Trains the given model on Fashion-MNIST with the default {@link TrainConfig}. */
    public static TrainResult train(MultiExitResNetConfig model, Path dataDir, Path outDir, boolean resume,
                                    ProgressListener listener) {
        return train(model, TrainConfig.defaults(), dataDir, outDir, resume, listener);
    }

    /**
     * Rejects the transformer-only settings: the ResNet trains its exits jointly and has no dropout.
     *
     * @throws IllegalArgumentException naming the setting
     */
    public static void checkSupported(TrainConfig cfg) {
        if (cfg.exitTraining() != TrainConfig.ExitTraining.JOINT) {
            throw new IllegalArgumentException("exit_training: the ResNet trains its exits jointly; "
                    + cfg.exitTraining().name().toLowerCase(java.util.Locale.ROOT) + " is supported by the transformer only");
        }
        if (cfg.dropout() > 0) {
            throw new IllegalArgumentException("dropout: supported by the transformer only, got " + cfg.dropout());
        }
    }

    /**
     * Trains on Fashion-MNIST.
     *
     * @param dataDir  directory with the IDX files, null for the Debian package's folder
     * @param outDir   where checkpoints and the final model go
     * @param resume   continue from {@code outDir/checkpoints/LAST} (error if absent)
     * @param listener progress reports; null for {@link ProgressListener#printing} to stdout
     */
    public static TrainResult train(MultiExitResNetConfig model, TrainConfig cfg, Path dataDir, Path outDir,
                                    boolean resume, ProgressListener listener) {
        Dl4jRuntime.init();
        FashionMnist data = FashionMnist.load(dataDir, cfg.validationSize(), cfg.splitSeed());
        return train(model, cfg, data.train(), data.validation(), outDir, resume, listener);
    }

    /** Trains on the given training and validation sets (validation may be empty). */
    public static TrainResult train(MultiExitResNetConfig model, TrainConfig cfg, ImageSet train, ImageSet validation,
                                    Path outDir, boolean resume, ProgressListener listener) {
        checkSupported(cfg);
        Dl4jRuntime.init();
        ProgressListener out = listener != null ? listener : ProgressListener.printing(System.out);
        long wallStart = System.nanoTime();
        if (cfg.maxTrainImages() > 0 && cfg.maxTrainImages() < train.size()) {
            train = train.range(0, cfg.maxTrainImages());
        }
        int n = train.size();
        int batch = cfg.batchSize();
        int itersPerEpoch = (n + batch - 1) / batch;
        int totalIters = itersPerEpoch * cfg.epochs();
        Path ckDir = outDir.resolve(CHECKPOINT_DIR);
        ComputationGraph g;
        int startEpoch;
        List<ProgressListener.EpochSummary> history = new ArrayList<>();
        try {
            Files.createDirectories(ckDir);
            if (resume) {
                Checkpoint ck = Checkpoint.readLast(ckDir);
                if (!ck.model().equals(model)) {
                    throw new IllegalArgumentException("resume: checkpoint model " + ck.model() + " differs from " + model);
                }
                if (!ck.train().toProperties().equals(cfg.toProperties())) {
                    out.onStart("[eenn] resume: training configuration differs from the checkpoint's; the saved "
                            + "updater and learning-rate schedule are kept. checkpoint: " + ck.train() + " now: " + cfg);
                }
                g = ck.graph();
                startEpoch = ck.completedEpochs();
                history.addAll(ck.history());
                out.onStart("[eenn] resuming from " + ck.file() + " after epoch " + startEpoch + " (iteration "
                        + g.getIterationCount() + ")");
            } else {
                g = MultiExitResNet.build(model, cfg.updater(totalIters), cfg.weightDecay(), cfg.exitWeights());
                startEpoch = 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.onStart(String.format(Locale.ROOT, "[eenn] %s%n[eenn] %s%n[eenn] %s; train %d, validation %d images, "
                        + "%d params, %d iterations/epoch", Dl4jRuntime.describe(), model, cfg, n, validation.size(),
                g.numParams(), itersPerEpoch));

        int exits = model.numExits();
        int lastEpoch = cfg.stopAfterEpochs() > 0 ? Math.min(cfg.epochs(), startEpoch + cfg.stopAfterEpochs()) : cfg.epochs();
        double trainSecondsTotal = 0;
        long trainImagesTotal = 0;
        for (int epoch = startEpoch; epoch < lastEpoch; epoch++) {
            Random rng = new Random(cfg.seed() * 1_000_003L + epoch);
            Nd4j.getRandom().setSeed(cfg.seed() + epoch);
            int[] order = Permutation.of(n, rng);
            boolean[] flips = null;
            if (cfg.augmentFlip()) {
                flips = new boolean[n];
                for (int i = 0; i < n; i++) {
                    flips[i] = rng.nextBoolean();
                }
            }
            long t0 = System.nanoTime();
            long lastReport = t0;
            double lossSum = 0;
            int lossCount = 0;
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                INDArray x = train.features(order, from, to, flips == null ? null : Arrays.copyOfRange(flips, from, to));
                INDArray y = train.oneHot(order, from, to);
                INDArray[] labels = new INDArray[exits];
                Arrays.fill(labels, y);
                g.fit(new MultiDataSet(new INDArray[] {x}, labels));
                double loss = g.score();
                lossSum += loss;
                lossCount++;
                long now = System.nanoTime();
                if ((now - lastReport) / 1e9 >= cfg.progressSeconds() || to == n) {
                    double secs = (now - t0) / 1e9;
                    double ips = to / secs;
                    double remainingImages = (n - to) + (double) (lastEpoch - epoch - 1) * n;
                    out.onProgress(new ProgressListener.Progress(epoch + 1, cfg.epochs(), g.getIterationCount(), to, n,
                            ips, remainingImages / ips, lossSum / lossCount,
                            cfg.learningRateAt(g.getIterationCount(), totalIters)));
                    lastReport = now;
                }
            }
            double trainSecs = (System.nanoTime() - t0) / 1e9;
            trainSecondsTotal += trainSecs;
            trainImagesTotal += n;
            g.getConfiguration().setEpochCount(epoch + 1);
            long v0 = System.nanoTime();
            double[] valAcc = validation.size() == 0 ? new double[exits]
                    : MultiExitResNet.earlyExitModel(model, g).outputs(validation.iterator(cfg.evalBatchSize()))
                            .accuracyPerExit();
            double valSecs = (System.nanoTime() - v0) / 1e9;
            Path ckFile;
            try {
                ckFile = Checkpoint.write(ckDir, g, model, cfg, epoch + 1, history, new ProgressListener.EpochSummary(
                        epoch + 1, cfg.epochs(), lossSum / lossCount, valAcc, trainSecs, valSecs, n / trainSecs, ""));
            } catch (IOException e) {
                throw new UncheckedIOException("writing checkpoint", e);
            }
            ProgressListener.EpochSummary summary = new ProgressListener.EpochSummary(epoch + 1, cfg.epochs(),
                    lossSum / lossCount, valAcc, trainSecs, valSecs, n / trainSecs, ckFile.toString());
            history.add(summary);
            out.onEpoch(summary);
        }
        boolean finished = lastEpoch == cfg.epochs();
        if (finished) {
            Properties extra = cfg.toProperties();
            extra.setProperty("trained.epochs", Integer.toString(lastEpoch));
            extra.setProperty("trained.iterations", Integer.toString(g.getIterationCount()));
            ModelIO.save(outDir, model, g, extra);
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        return new TrainResult(model, cfg, g, history, lastEpoch, finished, wall,
                trainSecondsTotal > 0 ? trainImagesTotal / trainSecondsTotal : 0, outDir);
    }

    /** A checkpoint on disk: model with updater state plus trainer state. */
    public record Checkpoint(Path file, ComputationGraph graph, MultiExitResNetConfig model, TrainConfig train,
                             int completedEpochs, List<ProgressListener.EpochSummary> history) {

        static String name(int epoch) {
            return String.format(Locale.ROOT, "epoch-%04d", epoch);
        }

        static Path write(Path dir, ComputationGraph g, MultiExitResNetConfig model, TrainConfig cfg, int epoch,
                          List<ProgressListener.EpochSummary> before, ProgressListener.EpochSummary current)
                throws IOException {
            String base = name(epoch);
            Path zip = dir.resolve(base + ".zip");
            ModelIO.writeModelAtomically(g, zip, true);
            Properties p = new Properties();
            p.putAll(model.toProperties());
            p.putAll(cfg.toProperties());
            p.setProperty("state.completedEpochs", Integer.toString(epoch));
            p.setProperty("state.iteration", Integer.toString(g.getIterationCount()));
            p.setProperty("state.rng", "per-epoch: java.util.Random(seed*1000003+epoch) for order/flips, "
                    + "Nd4j.getRandom().setSeed(seed+epoch)");
            List<ProgressListener.EpochSummary> all = new ArrayList<>(before);
            all.add(current);
            TrainingHistory.write(p, all);
            ModelIO.writePropertiesAtomically(p, dir.resolve(base + ".properties"), "eenn-rc training checkpoint");
            ModelIO.writeStringAtomically(base + "\n", dir.resolve(LAST));
            return zip;
        }

        /** Reads the checkpoint that {@code dir/LAST} names. */
        public static Checkpoint readLast(Path dir) throws IOException {
            Path last = dir.resolve(LAST);
            if (!Files.isRegularFile(last)) {
                throw new IllegalStateException("--resume: no checkpoint in " + dir + " (no " + LAST + " file)");
            }
            String base = Files.readString(last).trim();
            return read(dir.resolve(base + ".zip"));
        }

        /** Reads one checkpoint zip and its properties. */
        public static Checkpoint read(Path zip) throws IOException {
            Path props = zip.resolveSibling(zip.getFileName().toString().replaceFirst("\\.zip$", ".properties"));
            Properties p = ModelIO.readProperties(props);
            ComputationGraph g = ModelSerializer.restoreComputationGraph(zip.toFile(), true);
            int epoch = Integer.parseInt(p.getProperty("state.completedEpochs"));
            List<ProgressListener.EpochSummary> history = TrainingHistory.read(p, epoch,
                    e -> zip.resolveSibling(name(e) + ".zip").toString());
            return new Checkpoint(zip, g, MultiExitResNetConfig.fromProperties(p), TrainConfig.fromProperties(p),
                    epoch, history);
        }
    }
}
