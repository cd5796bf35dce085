package org.eennrc.experiments.config;

import java.util.List;
import org.eennrc.experiments.config.ExperimentConfig.TrainingConfig;
import org.eennrc.experiments.data.FashionMnistResnetSource;
import org.eennrc.experiments.data.WordNetTransformerSource;

/**
 * Checks the {@code model} and {@code training} sections of a model experiment when the config is read, before
 * any training or cache folder exists, with messages that name the key. eenn-models' {@code TrainConfig} accepts
 * a NaN learning rate or a negative image count and reports other problems as
 * {@code bad training configuration: TrainConfig[...]} without the field, and it learns the number of exits only
 * once training starts; so every key is checked here against its range, and {@code exit_weights} against the
 * number of exits of the configured network.
 */
final class TrainingChecks {
    private TrainingChecks() {}

    static void check(ExperimentConfig c, String where) {
        int exits = numExits(c, where);
        TrainingConfig t = c.training;
        if (t == null) return;
        atLeast(t.epochs, 1, where, "training.epochs");
        atLeast(t.batchSize, 1, where, "training.batch_size");
        atLeast(t.evalBatchSize, 1, where, "training.eval_batch_size");
        atLeast(t.maxTrainImages, 0, where, "training.max_train_images");
        if (t.learningRate != null && !(Double.isFinite(t.learningRate) && t.learningRate > 0)) {
            throw new ConfigException(where, "training.learning_rate", "must be a finite number > 0, got " + t.learningRate);
        }
        unitInterval(t.momentum, where, "training.momentum");
        unitInterval(t.warmupFraction, where, "training.warmup_fraction");
        unitInterval(t.dropout, where, "training.dropout");
        if (t.weightDecay != null && !(Double.isFinite(t.weightDecay) && t.weightDecay >= 0)) {
            throw new ConfigException(where, "training.weight_decay", "must be a finite number >= 0, got " + t.weightDecay);
        }
        if (t.exitTraining != null && !List.of("joint", "detached").contains(t.exitTraining.trim())) {
            throw new ConfigException(where, "training.exit_training", "expected joint or detached, got \"" + t.exitTraining + "\"");
        }
        if (t.exitWeights != null) {
            List<Double> w = t.exitWeights;
            if (w.size() != exits) {
                throw new ConfigException(where, "training.exit_weights", "expected one weight per exit: the "
                        + c.model.type + " of this config has " + exits + " exits, got " + w.size() + " weights");
            }
            double sum = 0;
            for (int i = 0; i < w.size(); i++) {
                Double v = w.get(i);
                if (v == null || !Double.isFinite(v) || v < 0) {
                    throw new ConfigException(where, "training.exit_weights[" + i + "]", "must be a finite number >= 0, got " + v);
                }
                sum += v;
            }
            if (!(sum > 0)) throw new ConfigException(where, "training.exit_weights", "at least one weight must be > 0");
        }
    }

    /** The exits of the configured network; a network eenn-models refuses is reported under {@code model}. */
    private static int numExits(ExperimentConfig c, String where) {
        try {
            return c.data instanceof ExperimentConfig.WordNet
                    ? WordNetTransformerSource.modelConfig(c.model).numExits()
                    : FashionMnistResnetSource.modelConfig(c.model).numExits();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where, "model", e.getMessage(), e);
        }
    }

    private static void atLeast(Integer v, int min, String where, String key) {
        if (v != null && v < min) throw new ConfigException(where, key, "must be at least " + min + ", got " + v);
    }

    private static void unitInterval(Double v, String where, String key) {
        if (v != null && !(v >= 0 && v < 1)) throw new ConfigException(where, key, "must be in [0, 1), got " + v);
    }
}
