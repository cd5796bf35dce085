package org.eennrc.models.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.IntFunction;

/**
 * The per-epoch history (loss, per-exit validation accuracy, timings) stored in a checkpoint's properties as
 * {@code history.<epoch> = loss;acc1,acc2,...;trainSeconds;validationSeconds;itemsPerSecond}, so that a resumed
 * run reports the same history as an uninterrupted one. Written and read by {@link Checkpoints}.
 */
final class TrainingHistory {
    private TrainingHistory() {}

    /** Writes every summary under {@code history.<epoch>}. */
    static void write(Properties p, List<TrainingListener.EpochSummary> history) {
        for (TrainingListener.EpochSummary e : history) {
            StringBuilder acc = new StringBuilder();
            for (double a : e.validationAccuracy()) {
                acc.append(acc.length() == 0 ? "" : ",").append(a);
            }
            p.setProperty("history." + e.epoch(), e.meanLoss() + ";" + acc + ";" + e.trainSeconds() + ";"
                    + e.validationSeconds() + ";" + e.samplesPerSecond());
        }
    }

    /**
     * Reads epochs 1..{@code epochs} of a run of {@code totalEpochs}; {@code checkpointOf} names the checkpoint of an
     * epoch (may return "").
     */
    static List<TrainingListener.EpochSummary> read(Properties p, int epochs, int totalEpochs,
                                                            IntFunction<String> checkpointOf) {
        List<TrainingListener.EpochSummary> h = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            String v = p.getProperty("history." + e);
            if (v == null) {
                continue;
            }
            String[] f = v.split(";", -1);
            double[] acc = f[1].isEmpty() ? new double[0]
                    : Arrays.stream(f[1].split(",")).mapToDouble(Double::parseDouble).toArray();
            h.add(new TrainingListener.EpochSummary(e, totalEpochs,
                    Double.parseDouble(f[0]), acc, Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), checkpointOf.apply(e)));
        }
        return h;
    }
}
