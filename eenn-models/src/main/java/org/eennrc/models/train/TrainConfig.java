package org.eennrc.models.train;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Immutable training settings. Defaults: Adam, learning rate 3e-3 with a linear warm-up over the first 3 % of the
 * iterations and cosine decay to 0 ("cosine"), batch 128, 4 epochs, equal exit weights, no augmentation, seed 42.
 */
public final class TrainConfig {
    public enum Optimizer { ADAM, NESTEROV, SGD }

    /** Learning-rate schedules. COSINE: linear warm-up then cosine to 0; STEP: x0.1 at 50 % and 75 %. */
    public enum Schedule { CONSTANT, COSINE, STEP }

    /**
     * How the exit losses reach the backbone. JOINT: every exit's loss trains the blocks below it (the sum of
     * per-exit losses of docs/method.md). DETACHED: the gradient of exits 1..L-1 stops at the head's input, so the backbone is
     * trained by the last exit alone and the earlier heads learn to read the features it makes (DeeBERT's two-stage
     * recipe in one run). The transformer supports both; the ResNet trainer only JOINT.
     */
    public enum ExitTraining { JOINT, DETACHED }

    private final int epochs;
    private final int batchSize;
    private final Optimizer optimizer;
    private final double learningRate;
    private final double momentum;
    private final Schedule schedule;
    private final double warmupFraction;
    private final double weightDecay;
    private final double[] exitWeights;
    private final ExitTraining exitTraining;
    private final double dropout;
    private final boolean augmentFlip;
    private final long seed;
    private final int validationSize;
    private final long splitSeed;
    private final int maxTrainImages;
    private final int evalBatchSize;
    private final int stopAfterEpochs;
    private final double progressSeconds;

    private TrainConfig(Builder b) {
        epochs = b.epochs;
        batchSize = b.batchSize;
        optimizer = b.optimizer;
        learningRate = b.learningRate;
        momentum = b.momentum;
        schedule = b.schedule;
        warmupFraction = b.warmupFraction;
        weightDecay = b.weightDecay;
        exitWeights = b.exitWeights == null ? null : b.exitWeights.clone();
        exitTraining = java.util.Objects.requireNonNull(b.exitTraining, "exitTraining");
        dropout = b.dropout;
        augmentFlip = b.augmentFlip;
        seed = b.seed;
        validationSize = b.validationSize;
        splitSeed = b.splitSeed;
        maxTrainImages = b.maxTrainImages;
        evalBatchSize = b.evalBatchSize;
        stopAfterEpochs = b.stopAfterEpochs;
        progressSeconds = b.progressSeconds;
        if (epochs < 1 || batchSize < 1 || learningRate <= 0 || evalBatchSize < 1 || warmupFraction < 0 || warmupFraction >= 1
                || !(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("bad training configuration: " + this);
        }
    }

    public static TrainConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return builder().epochs(epochs).batchSize(batchSize).optimizer(optimizer).learningRate(learningRate)
                .momentum(momentum).schedule(schedule).warmupFraction(warmupFraction).weightDecay(weightDecay)
                .exitWeights(exitWeights).exitTraining(exitTraining).dropout(dropout).augmentFlip(augmentFlip).seed(seed).validationSize(validationSize)
                .splitSeed(splitSeed).maxTrainImages(maxTrainImages).evalBatchSize(evalBatchSize)
                .stopAfterEpochs(stopAfterEpochs).progressSeconds(progressSeconds);
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

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public double learningRate() {
        return learningRate;
    }

    public double momentum() {
        return momentum;
    }

    public Schedule schedule() {
        return schedule;
    }

    public double warmupFraction() {
        return warmupFraction;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** Per-exit loss weights, null meaning all 1. */
    public double[] exitWeights() {
        return exitWeights == null ? null : exitWeights.clone();
    }

    public ExitTraining exitTraining() {
        return exitTraining;
    }

    /**
     * Dropout rate of the transformer's residual branches and embeddings (0: none). The ResNet trainer does not
     * support it.
     */
    public double dropout() {
        return dropout;
    }

    public boolean augmentFlip() {
        return augmentFlip;
    }

    public long seed() {
        return seed;
    }

    public int validationSize() {
        return validationSize;
    }

    public long splitSeed() {
        return splitSeed;
    }

    /** Use only the first this many training images (0: all); for tests and quick runs. */
    public int maxTrainImages() {
        return maxTrainImages;
    }

    public int evalBatchSize() {
        return evalBatchSize;
    }

    /** Stop this run after this many epochs (0: run to {@link #epochs()}); resume continues. */
    public int stopAfterEpochs() {
        return stopAfterEpochs;
    }

    public double progressSeconds() {
        return progressSeconds;
    }

    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("train.epochs", Integer.toString(epochs));
        p.setProperty("train.batchSize", Integer.toString(batchSize));
        p.setProperty("train.optimizer", optimizer.name());
        p.setProperty("train.learningRate", Double.toString(learningRate));
        p.setProperty("train.momentum", Double.toString(momentum));
        p.setProperty("train.schedule", schedule.name());
        p.setProperty("train.warmupFraction", Double.toString(warmupFraction));
        p.setProperty("train.weightDecay", Double.toString(weightDecay));
        p.setProperty("train.exitWeights", exitWeights == null ? "" : Arrays.toString(exitWeights).replaceAll("[\\[\\] ]", ""));
        if (exitTraining != ExitTraining.JOINT) {
            // absent means JOINT, so jointly trained models keep their checkpoints' and caches' properties (and hashes)
            p.setProperty("train.exitTraining", exitTraining.name());
        }
        if (dropout > 0) {
            p.setProperty("train.dropout", Double.toString(dropout)); // absent means 0, for the same reason
        }
        p.setProperty("train.augmentFlip", Boolean.toString(augmentFlip));
        p.setProperty("train.seed", Long.toString(seed));
        p.setProperty("train.validationSize", Integer.toString(validationSize));
        p.setProperty("train.splitSeed", Long.toString(splitSeed));
        p.setProperty("train.maxTrainImages", Integer.toString(maxTrainImages));
        p.setProperty("train.evalBatchSize", Integer.toString(evalBatchSize));
        return p;
    }

    public static TrainConfig fromProperties(Properties p) {
        Builder b = builder();
        b.epochs(Integer.parseInt(p.getProperty("train.epochs")));
        b.batchSize(Integer.parseInt(p.getProperty("train.batchSize")));
        b.optimizer(Optimizer.valueOf(p.getProperty("train.optimizer")));
        b.learningRate(Double.parseDouble(p.getProperty("train.learningRate")));
        b.momentum(Double.parseDouble(p.getProperty("train.momentum")));
        b.schedule(Schedule.valueOf(p.getProperty("train.schedule")));
        b.warmupFraction(Double.parseDouble(p.getProperty("train.warmupFraction")));
        b.weightDecay(Double.parseDouble(p.getProperty("train.weightDecay")));
        String w = p.getProperty("train.exitWeights", "");
        b.exitWeights(w.isEmpty() ? null : Arrays.stream(w.split(",")).mapToDouble(Double::parseDouble).toArray());
        // checkpoints written before the option was added trained jointly
        b.exitTraining(ExitTraining.valueOf(p.getProperty("train.exitTraining", ExitTraining.JOINT.name())));
        b.dropout(Double.parseDouble(p.getProperty("train.dropout", "0")));
        b.augmentFlip(Boolean.parseBoolean(p.getProperty("train.augmentFlip")));
        b.seed(Long.parseLong(p.getProperty("train.seed")));
        b.validationSize(Integer.parseInt(p.getProperty("train.validationSize")));
        b.splitSeed(Long.parseLong(p.getProperty("train.splitSeed")));
        b.maxTrainImages(Integer.parseInt(p.getProperty("train.maxTrainImages")));
        b.evalBatchSize(Integer.parseInt(p.getProperty("train.evalBatchSize")));
        return b.build();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TrainConfig[epochs=%d, batch=%d, %s lr=%g %s warmup=%.2f wd=%g, exitWeights=%s, "
                        + "exits=%s, dropout=%g, flip=%b, seed=%d, val=%d, maxTrain=%d]", epochs, batchSize, optimizer, learningRate, schedule,
                warmupFraction, weightDecay, exitWeights == null ? "equal" : Arrays.toString(exitWeights), exitTraining, dropout, augmentFlip,
                seed, validationSize, maxTrainImages);
    }

    /** Mutable builder. */
    public static final class Builder {
        private int epochs = 4;
        private int batchSize = 128;
        private Optimizer optimizer = Optimizer.ADAM;
        private double learningRate = 3e-3;
        private double momentum = 0.9;
        private Schedule schedule = Schedule.COSINE;
        private double warmupFraction = 0.03;
        private double weightDecay = 0.0;
        private double[] exitWeights;
        private ExitTraining exitTraining = ExitTraining.JOINT;
        private double dropout;
        private boolean augmentFlip;
        private long seed = 42;
        private int validationSize = 5000;
        private long splitSeed = org.eennrc.models.data.FashionMnist.DEFAULT_SPLIT_SEED;
        private int maxTrainImages;
        private int evalBatchSize = 500;
        private int stopAfterEpochs;
        private double progressSeconds = 10;

        private Builder() {
        }

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder optimizer(Optimizer v) { optimizer = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder schedule(Schedule v) { schedule = v; return this; }
        public Builder warmupFraction(double v) { warmupFraction = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder exitWeights(double... v) { exitWeights = v == null ? null : v.clone(); return this; }
        public Builder exitTraining(ExitTraining v) { exitTraining = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder augmentFlip(boolean v) { augmentFlip = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder validationSize(int v) { validationSize = v; return this; }
        public Builder splitSeed(long v) { splitSeed = v; return this; }
        public Builder maxTrainImages(int v) { maxTrainImages = v; return this; }
        public Builder evalBatchSize(int v) { evalBatchSize = v; return this; }
        public Builder stopAfterEpochs(int v) { stopAfterEpochs = v; return this; }
        public Builder progressSeconds(double v) { progressSeconds = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(this);
        }
    }
}
