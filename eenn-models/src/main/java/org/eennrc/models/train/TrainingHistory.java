package org.eennrc.models.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The per-epoch history (loss, per-exit validation accuracy, timings) stored in a checkpoint as a JSON list of
 * {@code {epoch, mean_loss, validation_accuracy: [...], train_seconds, validation_seconds, samples_per_second}}, so
 * that a resumed run reports the same history as an uninterrupted one. Written and read by {@link Checkpoints}.
 */
final class TrainingHistory {
    private TrainingHistory() {}

    /** One entry per summary, in order. */
    static ArrayNode write(List<TrainingListener.EpochSummary> history) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (TrainingListener.EpochSummary e : history) {
            ObjectNode o = a.addObject();
            o.put("epoch", e.epoch());
            o.put("mean_loss", e.meanLoss());
            ArrayNode acc = o.putArray("validation_accuracy");
            for (double v : e.validationAccuracy()) {
                acc.add(v);
            }
            o.put("train_seconds", e.trainSeconds());
            o.put("validation_seconds", e.validationSeconds());
            o.put("samples_per_second", e.samplesPerSecond());
        }
        return a;
    }

    /**
     * Reads epochs 1..{@code epochs} of a run of {@code totalEpochs}; {@code checkpointOf} names the checkpoint of an
     * epoch (may return "").
     *
     * @throws IllegalArgumentException if an entry lacks a field
     */
    static List<TrainingListener.EpochSummary> read(JsonNode history, int epochs, int totalEpochs,
                                                    IntFunction<String> checkpointOf) {
        List<TrainingListener.EpochSummary> h = new ArrayList<>();
        for (JsonNode o : history) {
            int e = field(o, "epoch").asInt();
            if (e < 1 || e > epochs) {
                continue;
            }
            JsonNode accNode = field(o, "validation_accuracy");
            double[] acc = new double[accNode.size()];
            for (int i = 0; i < acc.length; i++) {
                acc[i] = number(accNode.get(i));
            }
            h.add(new TrainingListener.EpochSummary(e, totalEpochs, number(field(o, "mean_loss")), acc,
                    number(field(o, "train_seconds")), number(field(o, "validation_seconds")),
                    number(field(o, "samples_per_second")), checkpointOf.apply(e)));
        }
        return h;
    }

    private static JsonNode field(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("history entry without " + name + ": " + o);
        }
        return v;
    }

    /** A number, or NaN / Infinity, which JSON writes as strings. */
    private static double number(JsonNode v) {
        return v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText());
    }
}
