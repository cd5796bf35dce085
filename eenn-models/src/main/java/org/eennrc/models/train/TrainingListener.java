package org.eennrc.models.train;

import java.io.PrintStream;
import java.util.Locale;

import org.eennrc.models.EarlyExitModel;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Hears what {@link EarlyExitTrainer} does, and may add to it. Listeners combine: the trainer calls them in the
 * order given, and at the end of an epoch each one receives the summary the previous one returned, so per-exit
 * validation ({@link #validation}) fills in the accuracies, the checkpoint listener ({@link Checkpoints}) writes them
 * with the model, and a printer ({@link #printing}) shows the result. Default methods do nothing.
 */
public interface TrainingListener {
    /**
     * A progress report inside an epoch. {@code samplesPerEpoch} is −1 (and the ETA NaN) when the data do not say
     * their size and the first epoch is not over yet.
     */
    record Progress(int epoch, int epochs, long iteration, int samplesDone, int samplesPerEpoch, double samplesPerSecond,
                    double etaSeconds, double loss, double learningRate) {
    }

    /**
     * End of an epoch: mean training loss, per-exit validation accuracy (exit 1 first; empty without validation),
     * timings, and the checkpoint written ("" if none).
     */
    record EpochSummary(int epoch, int epochs, double meanLoss, double[] validationAccuracy, double trainSeconds,
                        double validationSeconds, double samplesPerSecond, String checkpoint) {
        public EpochSummary {
            validationAccuracy = validationAccuracy.clone();
        }

        @Override
        public double[] validationAccuracy() {
            return validationAccuracy.clone();
        }

        public EpochSummary withValidation(double[] accuracy, double seconds) {
            return new EpochSummary(epoch, epochs, meanLoss, accuracy, trainSeconds, seconds, samplesPerSecond, checkpoint);
        }

        public EpochSummary withCheckpoint(String file) {
            return new EpochSummary(epoch, epochs, meanLoss, validationAccuracy, trainSeconds, validationSeconds,
                    samplesPerSecond, file);
        }
    }

    /** A message at the start (settings, resuming, ...). */
    default void onStart(String message) {
    }

    default void onProgress(Progress p) {
    }

    /** End of an epoch; returns the summary, possibly completed, for the next listener. */
    default EpochSummary onEpochEnd(TrainableNetwork network, EpochSummary summary) {
        return summary;
    }

    TrainingListener SILENT = new TrainingListener() {
    };

    /**
     * Per-exit accuracy on a validation set after every epoch, from the network's {@link EarlyExitModel#outputs}
     * (labels required).
     */
    static TrainingListener validation(MultiDataSetIterator data) {
        return new TrainingListener() {
            @Override
            public EpochSummary onEpochEnd(TrainableNetwork network, EpochSummary s) {
                long t0 = System.nanoTime();
                double[] acc = network.model().outputs(data).accuracyPerExit();
                return s.withValidation(acc, (System.nanoTime() - t0) / 1e9);
            }
        };
    }

    /**
     * Prints one line per progress report and per epoch; {@code unit} names what is counted ("img" for images,
     * "texts" for texts), as in "195 texts/s".
     */
    static TrainingListener printing(PrintStream out, String unit) {
        return new TrainingListener() {
            @Override
            public void onStart(String message) {
                out.println(message);
                out.flush();
            }

            @Override
            public void onProgress(Progress p) {
                String pct = p.samplesPerEpoch() > 0
                        ? String.format(Locale.ROOT, "%5.1f%%", 100.0 * p.samplesDone() / p.samplesPerEpoch())
                        : p.samplesDone() + " " + unit;
                String lr = Double.isNaN(p.learningRate()) ? ""
                        : String.format(Locale.ROOT, "  lr %.2e", p.learningRate());
                out.printf(Locale.ROOT, "epoch %d/%d  %s  iter %d  loss %.4f%s  %.0f %s/s  ETA %s%n",
                        p.epoch(), p.epochs(), pct, p.iteration(), p.loss(), lr, p.samplesPerSecond(),
                        unit, formatSeconds(p.etaSeconds()));
                out.flush();
            }

            @Override
            public EpochSummary onEpochEnd(TrainableNetwork network, EpochSummary e) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < e.validationAccuracy().length; i++) {
                    sb.append(String.format(Locale.ROOT, " exit%d=%.4f", i + 1, e.validationAccuracy()[i]));
                }
                out.printf(Locale.ROOT, "epoch %d/%d done: loss %.4f, %.0f %s/s, train %.1fs, val %.1fs, val acc:%s  -> %s%n",
                        e.epoch(), e.epochs(), e.meanLoss(), e.samplesPerSecond(), unit, e.trainSeconds(),
                        e.validationSeconds(), sb.length() == 0 ? " -" : sb, e.checkpoint());
                out.flush();
                return e;
            }
        };
    }

    static String formatSeconds(double s) {
        if (!Double.isFinite(s)) {
            return "?";
        }
        long t = Math.round(s);
        return String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
