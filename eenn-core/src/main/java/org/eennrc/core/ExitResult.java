package org.eennrc.core;

import java.util.Arrays;

/**
 * What an early-exit run gives for each sample: its prediction and the exit it left at (0-based, {@code numExits - 1}
 * is the full model), with the wall time of the network work. One type for every way of exiting: the simulated exit
 * of {@link ExitPolicy#apply} on exported outputs (time 0), real early exit in eenn-models, and the full-model
 * baseline, so that they can be compared element by element (method.md §1).
 *
 * @param predictions the predicted class per sample
 * @param exits the 0-based exit per sample
 * @param numExits L
 * @param seconds wall time of the network work (0 for a simulated exit)
 */
public record ExitResult(int[] predictions, int[] exits, int numExits, double seconds) {

    public ExitResult {
        if (predictions.length != exits.length) {
            throw new IllegalArgumentException(predictions.length + " predictions but " + exits.length + " exits");
        }
        if (numExits < 1) throw new IllegalArgumentException("numExits must be >= 1, got " + numExits);
        for (int e : exits) {
            if (e < 0 || e >= numExits) throw new IllegalArgumentException("exit " + e + " outside [0, " + numExits + ")");
        }
        predictions = predictions.clone();
        exits = exits.clone();
    }

    @Override
    public int[] predictions() {
        return predictions.clone();
    }

    @Override
    public int[] exits() {
        return exits.clone();
    }

    /** Number of samples. */
    public int size() {
        return exits.length;
    }

    /** Number of samples that left at each exit (index 0 = exit 1). */
    public int[] exitHistogram() {
        int[] h = new int[numExits];
        for (int e : exits) h[e]++;
        return h;
    }

    /** Mean 1-based exit layer. */
    public double meanExitLayer() {
        return Arrays.stream(exits).average().orElse(Double.NaN) + 1;
    }

    /** Samples per second of network work (NaN for a simulated exit). */
    public double samplesPerSecond() {
        return seconds > 0 ? exits.length / seconds : Double.NaN;
    }

    /** Fraction of predictions equal to {@code labels}. */
    public double accuracy(int[] labels) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + predictions.length + " predictions");
        }
        int c = 0;
        for (int i = 0; i < labels.length; i++) if (predictions[i] == labels[i]) c++;
        return c / (double) Math.max(1, labels.length);
    }

    /** Whether predictions and exits equal {@code other}'s, sample by sample (the times may differ). */
    public boolean sameDecisions(ExitResult other) {
        return Arrays.equals(predictions, other.predictions) && Arrays.equals(exits, other.exits);
    }

    /** Mean cost per sample at these exits, from the cumulative cost of answering at each exit (method.md §5). */
    public double meanCost(double[] cumulativeCostPerExit) {
        if (cumulativeCostPerExit.length != numExits) {
            throw new IllegalArgumentException(cumulativeCostPerExit.length + " costs for " + numExits + " exits");
        }
        double s = 0;
        for (int e : exits) s += cumulativeCostPerExit[e];
        return s / Math.max(1, exits.length);
    }
}
