package org.eennrc.core;

import java.util.Random;

/** Random per-exit outputs for tests: later exits are sharper and more often right. */
final class Synthetic {
    private Synthetic() {}

    static ExitOutputs outputs(long seed, int n, int l, int c, boolean labels) {
        Random r = new Random(seed);
        float[] logits = new float[n * l * c];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(c);
            for (int e = 0; e < l; e++) {
                double sharp = 0.5 + 1.5 * e;
                for (int j = 0; j < c; j++) {
                    double v = r.nextGaussian() + (j == y[i] ? sharp * r.nextDouble() * 2 : 0);
                    logits[(i * l + e) * c + j] = (float) (v * sharp);
                }
            }
        }
        double[] flops = new double[l];
        for (int e = 0; e < l; e++) flops[e] = 10.0 * (e + 1) + e * e;
        return ExitOutputs.builder(n, l, c).logits(logits).labels(labels ? y : null).flops(flops).build();
    }
}
