package org.eennrc.models.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.eennrc.models.SettingException;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.internal.Checks;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Immutable training settings: everything that decides what a training run produces. Defaults
 * ({@link #defaults()}): Adam, learning rate 3e-3 with a linear warm-up over the first 3 % of the iterations and
 * cosine decay to 0 ("cosine"), batch 128, 4 epochs, equal exit weights, joint exit training, no dropout, no
 * augmentation, seed 42; Fashion-MNIST split: 5,000 validation images by seed 20240530.
 *
 * <p>How one invocation runs (resume, stop early, progress interval) is not a setting: it is given to the trainer
 * ({@link Trainer#train}, {@link EarlyExitTrainer.Builder}).
 *
 * <p>In JSON and YAML (the {@code training} section of an experiment config, {@code model.json}) the keys are the
 * snake_case names of the components and the enums are lower case ({@code optimizer: adam}); a key left out takes
 * its value from {@link #defaults()}. Every value is checked here, and a bad one is a {@link SettingException} naming
 * its key ({@code training.learning_rate must be a finite number > 0, got NaN}).
 *
 * @param epochs         epochs of the whole run
 * @param batchSize      training batch size
 * @param optimizer      the update rule
 * @param learningRate   peak learning rate
 * @param momentum       Nesterov momentum, in [0, 1)
 * @param schedule       the learning-rate schedule
 * @param warmupFraction share of the iterations of the cosine schedule's linear warm-up, in [0, 1)
 * @param weightDecay    L2 weight decay, finite and >= 0
 * @param exitWeights    per-exit loss weights (finite, >= 0, not all 0), or null for all 1
 * @param exitTraining   how the exit losses reach the backbone
 * @param dropout        dropout rate of the transformer's residual branches and embeddings, in [0, 1) (0: none; the
 *                       ResNet trainer does not support it)
 * @param augmentFlip    random horizontal flips (ResNet only)
 * @param seed           seed of the batch order, of ND4J's generator and of dropout masks
 * @param validationSize Fashion-MNIST images held out of training for validation
 * @param splitSeed      seed of that split
 * @param maxTrainImages use only the first this many training images or texts (0: all); for tests and quick runs
 * @param evalBatchSize  batch size of validation
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainConfig(int epochs, int batchSize, Optimizer optimizer, double learningRate, double momentum,
                          Schedule schedule, double warmupFraction, double weightDecay, double[] exitWeights,
                          ExitTraining exitTraining, double dropout, boolean augmentFlip, long seed,
                          int validationSize, long splitSeed, int maxTrainImages, int evalBatchSize) {

    public enum Optimizer {
        @JsonProperty("adam") ADAM,
        @JsonProperty("nesterov") NESTEROV,
        @JsonProperty("sgd") SGD
    }

    /** Learning-rate schedules. COSINE: linear warm-up then cosine to 0; STEP: x0.1 at 50 % and 75 %. */
    public enum Schedule {
        @JsonProperty("constant") CONSTANT,
        @JsonProperty("cosine") COSINE,
        @JsonProperty("step") STEP
    }

    /**
     * How the exit losses reach the backbone. JOINT: every exit's loss trains the blocks below it (the sum of
     * per-exit losses of docs/method.md). DETACHED: the gradient of exits 1..L-1 stops at the head's input, so the backbone is
     * trained by the last exit alone and the earlier heads learn to read the features it makes (DeeBERT's two-stage
     * recipe in one run). The transformer supports both; the ResNet trainer only JOINT.
     */
    public enum ExitTraining {
        @JsonProperty("joint") JOINT,
        @JsonProperty("detached") DETACHED
    }

    public TrainConfig {
        Checks.atLeast("training.epochs", epochs, 1);
        Checks.atLeast("training.batch_size", batchSize, 1);
        Checks.present("training.optimizer", optimizer, Optimizer.class);
        Checks.positive("training.learning_rate", learningRate);
        Checks.fraction("training.momentum", momentum);
        Checks.present("training.schedule", schedule, Schedule.class);
        Checks.fraction("training.warmup_fraction", warmupFraction);
        Checks.nonNegative("training.weight_decay", weightDecay);
        if (exitWeights != null) {
            exitWeights = exitWeights.clone();
            double sum = 0;
            for (int i = 0; i < exitWeights.length; i++) {
                Checks.nonNegative("training.exit_weights[" + i + "]", exitWeights[i]);
                sum += exitWeights[i];
            }
            if (!(sum > 0)) {
                throw new SettingException("training.exit_weights", "must have at least one weight > 0, got "
                        + Arrays.toString(exitWeights));
            }
        }
        Checks.present("training.exit_training", exitTraining, ExitTraining.class);
        Checks.fraction("training.dropout", dropout);
        Checks.atLeast("training.validation_size", validationSize, 0);
        Checks.atLeast("training.max_train_images", maxTrainImages, 0);
        Checks.atLeast("training.eval_batch_size", evalBatchSize, 1);
    }

    /** The defaults, the only place a default training setting is written. */
    public static TrainConfig defaults() {
        return new TrainConfig(4, 128, Optimizer.ADAM, 3e-3, 0.9, Schedule.COSINE, 0.03, 0.0, null,
                ExitTraining.JOINT, 0.0, false, 42, FashionMnist.DEFAULT_VALIDATION_SIZE, FashionMnist.DEFAULT_SPLIT_SEED,
                0, 500);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Checks that {@link #exitWeights()} (when given) has one weight per exit of a network with {@code numExits}
     * exits; the record alone cannot know the network.
     *
     * @throws SettingException naming {@code training.exit_weights}
     */
    public TrainConfig requireExits(int numExits) {
        if (exitWeights != null && exitWeights.length != numExits) {
            throw new SettingException("training.exit_weights", "must have one weight per exit: the network has "
                    + numExits + " exits, got " + exitWeights.length + " weights");
        }
        return this;
    }

    /** Per-exit loss weights, null meaning all 1. */
    @Override
    public double[] exitWeights() {
        return exitWeights == null ? null : exitWeights.clone();
    }

    /** The DL4J updater with its learning-rate schedule for a run of {@code totalIterations} iterations. */
    public IUpdater updater(int totalIterations) {
        ISchedule lr = lrSchedule(totalIterations);
        return switch (optimizer) {
            case ADAM -> lr == null ? new Adam(learningRate) : new Adam(lr);
            case NESTEROV -> lr == null ? new Nesterovs(learningRate, momentum) : new Nesterovs(lr, momentum);
            case SGD -> lr == null ? new Sgd(learningRate) : new Sgd(lr);
        };
    }

    /** Learning rate at iteration i of a run with {@code total} iterations (what the schedule encodes). */
    public double learningRateAt(int i, int total) {
        ISchedule s = lrSchedule(total);
        return s == null ? learningRate : s.valueAt(i, 0);
    }

    private ISchedule lrSchedule(int total) {
        switch (schedule) {
            case CONSTANT:
                return null;
            case STEP: {
                Map<Integer, Double> m = new HashMap<>();
                m.put(0, learningRate);
                m.put(Math.max(1, total / 2), learningRate * 0.1);
                m.put(Math.max(2, total * 3 / 4), learningRate * 0.01);
                return new MapSchedule(ScheduleType.ITERATION, m);
            }
            case COSINE: {
                // MapSchedule takes the value of the largest key <= iteration; a few hundred knots are plenty.
                int step = Math.max(1, total / 400);
                int warm = (int) Math.round(warmupFraction * total);
                Map<Integer, Double> m = new HashMap<>();
                for (int i = 0; i <= total; i += step) {
                    double v;
                    if (i < warm) {
                        v = learningRate * (i + 1) / (double) (warm + 1);
                    } else {
                        double t = (i - warm) / (double) Math.max(1, total - warm);
                        v = learningRate * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, t)));
                    }
                    m.put(i, v);
                }
                return new MapSchedule(ScheduleType.ITERATION, m);
            }
            default:
                throw new IllegalStateException();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig c && epochs == c.epochs && batchSize == c.batchSize
                && optimizer == c.optimizer && Double.compare(learningRate, c.learningRate) == 0
                && Double.compare(momentum, c.momentum) == 0 && schedule == c.schedule
                && Double.compare(warmupFraction, c.warmupFraction) == 0
                && Double.compare(weightDecay, c.weightDecay) == 0 && Arrays.equals(exitWeights, c.exitWeights)
                && exitTraining == c.exitTraining && Double.compare(dropout, c.dropout) == 0
                && augmentFlip == c.augmentFlip && seed == c.seed && validationSize == c.validationSize
                && splitSeed == c.splitSeed && maxTrainImages == c.maxTrainImages && evalBatchSize == c.evalBatchSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(epochs, batchSize, optimizer, learningRate, momentum, schedule, warmupFraction,
                weightDecay, Arrays.hashCode(exitWeights), exitTraining, dropout, augmentFlip, seed, validationSize,
                splitSeed, maxTrainImages, evalBatchSize);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TrainConfig[epochs=%d, batch=%d, %s lr=%g %s warmup=%.2f wd=%g, exitWeights=%s, "
                        + "exits=%s, dropout=%g, flip=%b, seed=%d, val=%d, maxTrain=%d]", epochs, batchSize, optimizer, learningRate, schedule,
                warmupFraction, weightDecay, exitWeights == null ? "equal" : Arrays.toString(exitWeights), exitTraining, dropout, augmentFlip,
                seed, validationSize, maxTrainImages);
    }

    /** Changes some settings; {@link #build()} checks the result. */
    public static final class Builder {
        private int epochs;
        private int batchSize;
        private Optimizer optimizer;
        private double learningRate;
        private double momentum;
        private Schedule schedule;
        private double warmupFraction;
        private double weightDecay;
        private double[] exitWeights;
        private ExitTraining exitTraining;
        private double dropout;
        private boolean augmentFlip;
        private long seed;
        private int validationSize;
        private long splitSeed;
        private int maxTrainImages;
        private int evalBatchSize;

        private Builder(TrainConfig c) {
            epochs = c.epochs;
            batchSize = c.batchSize;
            optimizer = c.optimizer;
            learningRate = c.learningRate;
            momentum = c.momentum;
            schedule = c.schedule;
            warmupFraction = c.warmupFraction;
            weightDecay = c.weightDecay;
            exitWeights = c.exitWeights;
            exitTraining = c.exitTraining;
            dropout = c.dropout;
            augmentFlip = c.augmentFlip;
            seed = c.seed;
            validationSize = c.validationSize;
            splitSeed = c.splitSeed;
            maxTrainImages = c.maxTrainImages;
            evalBatchSize = c.evalBatchSize;
        }

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder optimizer(Optimizer v) { optimizer = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder schedule(Schedule v) { schedule = v; return this; }
        public Builder warmupFraction(double v) { warmupFraction = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder exitWeights(double... v) { exitWeights = v; return this; }
        public Builder exitTraining(ExitTraining v) { exitTraining = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder augmentFlip(boolean v) { augmentFlip = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder validationSize(int v) { validationSize = v; return this; }
        public Builder splitSeed(long v) { splitSeed = v; return this; }
        public Builder maxTrainImages(int v) { maxTrainImages = v; return this; }
        public Builder evalBatchSize(int v) { evalBatchSize = v; return this; }

        /** The settings (the weights are copied); a bad value is a {@link SettingException}. */
        public TrainConfig build() {
            return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, schedule, warmupFraction,
                    weightDecay, exitWeights, exitTraining, dropout, augmentFlip, seed, validationSize, splitSeed,
                    maxTrainImages, evalBatchSize);
        }
    }
}
