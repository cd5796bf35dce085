package org.eennrc.cli.spi;

import java.nio.file.Path;

import org.eennrc.core.ExitOutputs;
import org.eennrc.models.Exporter;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;
import org.eennrc.models.train.TrainingListener;

/**
 * What {@code eenn train --spark} and {@code eenn export --spark} call. The implementation lives in the optional module
 * {@code eenn-spark} and is found with {@link java.util.ServiceLoader} when its jar is on the class path
 * ({@code META-INF/services/org.eennrc.cli.spi.SparkBackend}), so that this module, and the CLI without Spark, never
 * depend on Spark.
 */
public interface SparkBackend {

    /**
     * Trains the built-in ResNet data-parallel on the Spark master {@code master}, with the same output folder
     * (checkpoints, {@code model.zip}, {@code model.json}, provenance) as single-JVM {@code Trainer.train}.
     *
     * @param averagingFrequency steps per worker between two parameter averagings
     */
    Trainer.TrainResult trainResNet(String master, int averagingFrequency, MultiExitResNetConfig model, TrainConfig cfg,
                                    Path dataDir, Path outDir, boolean resume, TrainingListener listener);

    /** Exports a trained ResNet's outputs on a Fashion-MNIST split, computed on the Spark master {@code master}. */
    ExitOutputs exportResNet(String master, Path modelPath, Path dataDir, Exporter.Split split, Path outNpz,
                             boolean foldBatchNorm);
}
