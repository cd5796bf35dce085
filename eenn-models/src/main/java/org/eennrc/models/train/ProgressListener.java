package org.eennrc.models.train;

import java.io.PrintStream;
import java.util.Locale;

/** Receives training progress. Default methods do nothing; {@link #printing(PrintStream)} prints lines. */
public interface ProgressListener {
    /** A progress report inside an epoch. */
    record Progress(int epoch, int epochs, long iteration, int imagesDone, int imagesPerEpoch, double imagesPerSecond,
                    double etaSeconds, double loss, double learningRate) {
    }

    /** End of an epoch: mean training loss, per-exit validation accuracy (exit 1 first), timings. */
    record EpochSummary(int epoch, int epochs, double meanLoss, double[] validationAccuracy, double trainSeconds,
                        double validationSeconds, double imagesPerSecond, String checkpoint) {
    }

    default void onStart(String message) {
    }

    default void onProgress(Progress p) {
    }

    default void onEpoch(EpochSummary e) {
    }

    ProgressListener SILENT = new ProgressListener() {
    };

    /** Prints one line per progress report and per epoch, throughput in images/s. */
    static ProgressListener printing(PrintStream out) {
        return printing(out, "img");
    }

    /**
     * Prints one line per progress report and per epoch; {@code unit} names what is counted ("img" for the ResNet
     * trainer, "texts" for the transformer's), as in "195 texts/s".
     */
    static ProgressListener printing(PrintStream out, String unit) {
        return new ProgressListener() {
            @Override
            public void onStart(String message) {
                out.println(message);
                out.flush();
            }

            @Override
            public void onProgress(Progress p) {
                out.printf(Locale.ROOT, "epoch %d/%d  %5.1f%%  iter %d  loss %.4f  lr %.2e  %.0f %s/s  ETA %s%n",
                        p.epoch(), p.epochs(), 100.0 * p.imagesDone() / p.imagesPerEpoch(), p.iteration(), p.loss(),
                        p.learningRate(), p.imagesPerSecond(), unit, formatSeconds(p.etaSeconds()));
                out.flush();
            }

            @Override
            public void onEpoch(EpochSummary e) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < e.validationAccuracy().length; i++) {
                    sb.append(String.format(Locale.ROOT, " exit%d=%.4f", i + 1, e.validationAccuracy()[i]));
                }
                out.printf(Locale.ROOT, "epoch %d/%d done: loss %.4f, %.0f %s/s, train %.1fs, val %.1fs, val acc:%s  -> %s%n",
                        e.epoch(), e.epochs(), e.meanLoss(), e.imagesPerSecond(), unit, e.trainSeconds(),
                        e.validationSeconds(), sb, e.checkpoint());
                out.flush();
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
