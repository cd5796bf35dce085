package org.eennrc.core;

import org.eennrc.risk.protocol.Protocol;

/**
 * A seeded random calibration/test split of per-exit outputs by sample: calibrate on one part, check the
 * certificate on the other (method.md §5). The draw is the evaluation protocol's trial 0 for the same seed
 * ({@link Protocol#drawCalibration}), so a split made here is a split the protocol also evaluates.
 *
 * @param calibration the n_cal calibration samples, in draw order
 * @param test the remaining samples, in their original order
 * @param calibrationSamples the indices (into the original outputs) of the calibration samples
 * @param testSamples the indices of the test samples
 */
public record Split(ExitOutputs calibration, ExitOutputs test, int[] calibrationSamples, int[] testSamples) {

    public Split {
        calibrationSamples = calibrationSamples.clone();
        testSamples = testSamples.clone();
    }

    @Override
    public int[] calibrationSamples() {
        return calibrationSamples.clone();
    }

    @Override
    public int[] testSamples() {
        return testSamples.clone();
    }

    /**
     * Draws {@code nCal} calibration samples without replacement; the rest are the test samples.
     *
     * @throws IllegalArgumentException unless 1 ≤ nCal < N (both parts must be non-empty)
     */
    public static Split random(ExitOutputs outputs, int nCal, long seed) {
        int n = outputs.numSamples();
        if (nCal < 1 || nCal >= n) {
            throw new IllegalArgumentException("a split needs 1 <= n_cal < N so that both parts are non-empty; got"
                    + " n_cal = " + nCal + " of N = " + n);
        }
        int[] cal = Protocol.drawCalibration(n, nCal, seed, 0);
        boolean[] inCal = new boolean[n];
        for (int i : cal) inCal[i] = true;
        int[] test = new int[n - nCal];
        int t = 0;
        for (int i = 0; i < n; i++) if (!inCal[i]) test[t++] = i;
        return new Split(outputs.subset(cal), outputs.subset(test), cal, test);
    }
}
