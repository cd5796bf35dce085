package org.eennrc.experiments.config;

import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.data.FashionScenes;
import org.eennrc.models.seg.MultiExitSegNetConfig;
import org.eennrc.models.seg.SegTrainer;
import org.eennrc.models.SettingException;
import org.eennrc.models.text.TransformerConfig;
import org.eennrc.models.text.WordNetGlosses;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;

/**
 * The checks of a model experiment that neither record can make alone, run when the config is read, before any
 * training or cache folder exists: the network must fit the data (input size, classes), {@code exit_weights} must
 * have one weight per exit of the configured network, and the ResNet refuses the transformer-only settings. Every
 * single value is checked by the records themselves ({@code MultiExitResNetConfig}, {@code TransformerConfig},
 * {@code TrainConfig}) as they are read.
 *
 * <p>Also completes the {@code training} section: unset means the defaults, and for Fashion-MNIST the split comes
 * from {@code data.validation_size} and {@code data.split_seed}.
 */
final class TrainingChecks {
    private TrainingChecks() {}

    static void check(ExperimentConfig c, String where) {
        TrainConfig t = c.training != null ? c.training : TrainConfig.defaults();
        try {
            if (c.data instanceof ExperimentConfig.FashionMnist f) {
                TrainConfig.Builder b = t.toBuilder();
                if (f.validationSize != null) b.validationSize(f.validationSize);
                if (f.splitSeed != null) b.splitSeed(f.splitSeed);
                t = data(b, where);
                fits(c.model.resnet, where);
                Trainer.checkSupported(t);
            } else if (c.data instanceof ExperimentConfig.FashionScenes f) {
                TrainConfig.Builder b = t.toBuilder();
                if (f.validationSize != null) b.validationSize(f.validationSize);
                if (f.splitSeed != null) b.splitSeed(f.splitSeed);
                t = data(b, where);
                MultiExitSegNetConfig m = c.model.segnet;
                if (m.height() != FashionScenes.SIZE || m.width() != FashionScenes.SIZE || m.channels() != 1) {
                    throw new ConfigException(where, "model", "Fashion-MNIST scenes are 64 x 64 x 1 (height, width,"
                            + " channels); got " + m.height() + " x " + m.width() + " x " + m.channels());
                }
                if (m.numClasses() != FashionScenes.NUM_CLASSES) {
                    throw new ConfigException(where, "model.num_classes", "Fashion-MNIST scenes have "
                            + FashionScenes.NUM_CLASSES + " classes (background and 10 items), got " + m.numClasses());
                }
                SegTrainer.checkSupported(t);
            } else {
                fits(c.model.transformer, where);
            }
            c.training = t.requireExits(c.model.numExits());
        } catch (SettingException e) {
            throw new ConfigException(where, e.key(), e.problem(), e);
        }
    }

    /** Builds the settings with the data section's split; a bad split value is reported under its data key. */
    private static TrainConfig data(TrainConfig.Builder b, String where) {
        try {
            return b.build();
        } catch (SettingException e) {
            throw new ConfigException(where, e.key().replace("training.", "data."), e.problem(), e);
        }
    }

    /** Fashion-MNIST: 28 x 28 grey images, 10 classes. */
    private static void fits(MultiExitResNetConfig m, String where) {
        if (m.height() != 28 || m.width() != 28 || m.channels() != 1) {
            throw new ConfigException(where, "model", "Fashion-MNIST images are 28 x 28 x 1 (height, width, channels);"
                    + " got " + m.height() + " x " + m.width() + " x " + m.channels());
        }
        if (m.numClasses() != 10) {
            throw new ConfigException(where, "model.num_classes", "Fashion-MNIST has 10 classes, got " + m.numClasses());
        }
    }

    /** WordNet glosses: the noun supersenses. */
    private static void fits(TransformerConfig m, String where) {
        if (m.numClasses() != WordNetGlosses.NUM_CLASSES) {
            throw new ConfigException(where, "model.num_classes", "WordNet glosses have " + WordNetGlosses.NUM_CLASSES
                    + " classes (noun supersenses), got " + m.numClasses());
        }
    }
}
