package org.eennrc.models.train;

import java.util.Random;

/**
 * The one seeded shuffle of the module: the validation split of Fashion-MNIST, the epoch orders of both trainers,
 * the subsets of the text data and the bag-of-words baseline all draw their orders here, so a seed means the same
 * order everywhere (and resuming a training reproduces it exactly).
 */
public final class Permutation {
    private Permutation() {
    }

    /** Fisher-Yates permutation of 0..n-1, drawing from {@code r} (from the last position down). */
    public static int[] of(int n, Random r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
