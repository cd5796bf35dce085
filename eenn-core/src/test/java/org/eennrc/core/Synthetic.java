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

    /**
     * Outputs whose exits refine one another: every exit sees the same per-sample noise, shrinking with depth,
     * so later exits are better on average and the risk curve is close to monotone.
     */
    static ExitOutputs refining(long seed, int n, int l, int c) {
        Random r = new Random(seed);
        float[] logits = new float[n * l * c];
        int[] y = new int[n];
        double[] z = new double[c];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(c);
            double signal = 1 + 2 * r.nextDouble();
            for (int j = 0; j < c; j++) z[j] = r.nextGaussian();
            for (int e = 0; e < l; e++) {
                double noise = 2.0 / (1 + 2 * e);
                for (int j = 0; j < c; j++) {
                    logits[(i * l + e) * c + j] = (float) ((j == y[i] ? signal : 0) + noise * z[j]) * 2;
                }
            }
        }
        return ExitOutputs.builder(n, l, c).logits(logits).labels(y).build();
    }
}
