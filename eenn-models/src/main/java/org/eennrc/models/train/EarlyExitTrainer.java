package org.eennrc.models.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;

import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.internal.Batches;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one training loop of the project, for any {@link TrainableNetwork} (a DL4J graph, the SameDiff transformer, a
 * user's network): epochs of batches from {@link EpochData}, with progress, per-exit validation, checkpoints and
 * exact resume as {@link TrainingListener}s that combine.
 *
 * <pre>{@code
 * GraphNetwork net = new GraphNetwork(graph, InputType.convolutional(28, 28, 1));
 * EarlyExitTrainer.Result r = EarlyExitTrainer.builder(net, EpochData.of(trainIterator))
 *         .epochs(3)
 *         .listeners(TrainingListener.validation(validationIterator),
 *                    new Checkpoints(dir.resolve("checkpoints"), modelConfig, trainConfig),
 *                    TrainingListener.printing(System.out, "img"))
 *         .train();
 * }</pre>
 *
 * <p>Reproducibility: ND4J's random generator is reseeded with {@code seed + e} at the start of epoch e, and the data
 * of epoch e come from {@link EpochData#epoch}(e); with a per-epoch seeded source, resuming after epoch e (from the
 * {@link Checkpoints} listener's newest checkpoint: parameters, updater state, iteration count) continues with exactly
 * the batches and state of an uninterrupted run.
 *
 * <p>The mean loss of an epoch is over every batch when the network measures it for free
 * ({@link TrainableNetwork#lossIsFree}), else over every k-th batch, k = max(1, batches per epoch / 50), measured
 * just before that batch's update.
 */
public final class EarlyExitTrainer {
    private final TrainableNetwork network;
    private final EpochData data;
    private final int epochs;
    private final int stopAfterEpochs;
    private final long seed;
    private final double progressSeconds;
    private final IntToDoubleFunction learningRate;
    private final List<TrainingListener> listeners;
    private final boolean resume;

    private EarlyExitTrainer(Builder b) {
        network = b.network;
        data = b.data;
        epochs = b.epochs;
        stopAfterEpochs = b.stopAfterEpochs;
        seed = b.seed;
        progressSeconds = b.progressSeconds;
        learningRate = b.learningRate;
        listeners = List.copyOf(b.listeners);
        resume = b.resume;
    }

    /** A trainer for {@code network} on {@code data}. */
    public static Builder builder(TrainableNetwork network, EpochData data) {
        return new Builder(network, data);
    }

    /** Outcome of a run. */
    public record Result(List<TrainingListener.EpochSummary> history, int completedEpochs, boolean finished,
                         double wallSeconds, double trainSamplesPerSecond) {
    }

    /** Settings of a run. */
    public static final class Builder {
        private final TrainableNetwork network;
        private final EpochData data;
        private int epochs = 1;
        private int stopAfterEpochs;
        private long seed;
        private double progressSeconds = 10;
        private IntToDoubleFunction learningRate = i -> Double.NaN;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private boolean resume;

        private Builder(TrainableNetwork network, EpochData data) {
            this.network = Objects.requireNonNull(network, "network");
            this.data = Objects.requireNonNull(data, "data");
        }

        /** Epochs of the whole run (a resumed run counts the epochs already done). */
        public Builder epochs(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + v);
            }
            epochs = v;
            return this;
        }

        /** Stop after this many epochs of this invocation (0: run to the end); resume later. */
        public Builder stopAfterEpochs(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("stopAfterEpochs must be >= 0, got " + v);
            }
            stopAfterEpochs = v;
            return this;
        }

        /** Seed of ND4J's random generator, reseeded per epoch with {@code seed + epoch}. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** At most one progress report per this many seconds (and one at the end of each epoch). */
        public Builder progressSeconds(double v) {
            if (!(v > 0)) {
                throw new IllegalArgumentException("progressSeconds must be > 0, got " + v);
            }
            progressSeconds = v;
            return this;
        }

        /** The learning rate at an iteration, for progress reports only. */
        public Builder learningRate(IntToDoubleFunction v) {
            learningRate = Objects.requireNonNull(v);
            return this;
        }

        /** Listeners, called in this order (validation before checkpoints before printing, usually). */
        public Builder listeners(TrainingListener... v) {
            for (TrainingListener l : v) {
                listeners.add(Objects.requireNonNull(l, "listener"));
            }
            return this;
        }

        /** Resume from the newest checkpoint of the {@link Checkpoints} listener (which must be given). */
        public Builder resume(boolean v) {
            resume = v;
            return this;
        }

        /**
         * The loop settings of a {@link TrainConfig}: its epochs, seed and learning-rate schedule over
         * {@code totalIterations}. (Early stop and the progress interval are not settings of the model; set them with
         * {@link #stopAfterEpochs} and {@link #progressSeconds}.)
         */
        public Builder settings(TrainConfig cfg, int totalIterations) {
            return epochs(cfg.epochs()).seed(cfg.seed()).learningRate(i -> cfg.learningRateAt(i, totalIterations));
        }

        /**
         * The listeners of the built-in recipes, in their order: per-exit validation on {@code validation} (skipped
         * when null), {@link Checkpoints} in {@code outDir/checkpoints} with the given identity and settings, then
         * {@code progress}.
         */
        public Builder standardListeners(MultiDataSetIterator validation, java.nio.file.Path outDir, Object identity,
                                         Object settings, TrainingListener progress) {
            if (validation != null) {
                listeners(TrainingListener.validation(validation));
            }
            return listeners(new Checkpoints(outDir.resolve(Checkpoints.FOLDER), identity, settings), progress);
        }

        public Builder listeners(List<TrainingListener> v) {
            return listeners(v.toArray(new TrainingListener[0]));
        }

        public Result train() {
            return new EarlyExitTrainer(this).run();
        }
    }

    private void start(String message) {
        for (TrainingListener l : listeners) {
            l.onStart(message);
        }
    }

    private Result run() {
        Dl4jRuntime.init();
        long wallStart = System.nanoTime();
        int startEpoch = 0;
        List<TrainingListener.EpochSummary> history = new ArrayList<>();
        if (resume) {
            Checkpoints ck = listeners.stream().filter(l -> l instanceof Checkpoints).map(l -> (Checkpoints) l)
                    .findFirst().orElseThrow(() -> new IllegalStateException("resume needs a Checkpoints listener"));
            try {
                Checkpoints.Restored r = ck.restore(network, this::start);
                startEpoch = r.completedEpochs();
                history.addAll(r.history());
                start("[eenn] resuming from " + r.file() + " after epoch " + startEpoch + " (iteration "
                        + network.iteration() + ")");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        int n = data.samplesPerEpoch();
        start(String.format(Locale.ROOT, "[eenn] %s%n[eenn] %d params, %d epochs%s", Dl4jRuntime.describe(),
                network.numParams(), epochs, n > 0 ? ", " + n + " samples per epoch" : ""));
        int lastEpoch = stopAfterEpochs > 0 ? Math.min(epochs, startEpoch + stopAfterEpochs) : epochs;
        double trainSeconds = 0;
        long trainSamples = 0;
        int perEpoch = n;
        int batchesPerEpoch = -1;
        for (int epoch = startEpoch; epoch < lastEpoch; epoch++) {
            Nd4j.getRandom().setSeed(seed + epoch);
            MultiDataSetIterator it = data.epoch(epoch);
            long t0 = System.nanoTime();
            long lastReport = t0;
            double lossSum = 0;
            int lossCount = 0;
            int done = 0;
            int b = 0;
            int lossEvery = batchesPerEpoch > 0 ? Math.max(1, batchesPerEpoch / 50) : 1;
            while (it.hasNext()) {
                MultiDataSet batch = it.next();
                if (b == 0 && batchesPerEpoch < 0 && perEpoch > 0) {
                    int size = Batches.size(batch);
                    lossEvery = Math.max(1, ((perEpoch + size - 1) / size) / 50);
                }
                boolean measure = network.lossIsFree() || b % lossEvery == 0;
                double loss = network.fit(batch, measure);
                if (measure) {
                    if (!Double.isFinite(loss)) {
                        throw new IllegalStateException(String.format(Locale.ROOT,
                                "training diverged: loss %s at epoch %d, batch %d (iteration %d); lower the learning rate",
                                loss, epoch + 1, b + 1, network.iteration()));
                    }
                    lossSum += loss;
                    lossCount++;
                }
                done += Batches.size(batch);
                b++;
                long now = System.nanoTime();
                boolean end = !it.hasNext();
                if ((now - lastReport) / 1e9 >= progressSeconds || end) {
                    double secs = (now - t0) / 1e9;
                    double rate = done / secs;
                    double remaining = perEpoch > 0 ? (perEpoch - done) + (double) (lastEpoch - epoch - 1) * perEpoch
                            : Double.NaN;
                    TrainingListener.Progress p = new TrainingListener.Progress(epoch + 1, epochs, network.iteration(),
                            done, perEpoch, rate, remaining / rate, lossSum / lossCount,
                            learningRate.applyAsDouble(network.iteration()));
                    for (TrainingListener l : listeners) {
                        l.onProgress(p);
                    }
                    lastReport = now;
                }
            }
            if (done == 0) {
                throw new IllegalArgumentException("epoch " + (epoch + 1) + " has no training data");
            }
            perEpoch = done;
            batchesPerEpoch = b;
            double secs = (System.nanoTime() - t0) / 1e9;
            trainSeconds += secs;
            trainSamples += done;
            network.setEpochs(epoch + 1);
            TrainingListener.EpochSummary s = new TrainingListener.EpochSummary(epoch + 1, epochs, lossSum / lossCount,
                    new double[0], secs, 0, done / secs, "");
            for (TrainingListener l : listeners) {
                s = l.onEpochEnd(network, s);
            }
            history.add(s);
        }
        return new Result(List.copyOf(history), lastEpoch, lastEpoch == epochs, (System.nanoTime() - wallStart) / 1e9,
                trainSeconds > 0 ? trainSamples / trainSeconds : 0);
    }
}
