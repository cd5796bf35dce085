package org.eennrc.models;

import java.util.Random;

import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;

/** A few hundred images: real Fashion-MNIST when installed, else a learnable synthetic stand-in. */
final class TestData {
    private static FashionMnist cached;

    private TestData() {
    }

    static synchronized ImageSet train(int n) {
        if (FashionMnist.isAvailable(null)) {
            if (cached == null) {
                cached = FashionMnist.load(null);
            }
            return cached.train().range(0, n);
        }
        return synthetic(n, 1);
    }

    static synchronized ImageSet test(int n) {
        if (FashionMnist.isAvailable(null)) {
            if (cached == null) {
                cached = FashionMnist.load(null);
            }
            return cached.test().range(0, n);
        }
        return synthetic(n, 2);
    }

    /** Class c: a bright horizontal bar at row 2c+4 plus noise. */
    static ImageSet synthetic(int n, long seed) {
        Random r = new Random(seed);
        byte[] px = new byte[n * 28 * 28];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(10);
            for (int q = 0; q < 784; q++) {
                int row = q / 28;
                int v = r.nextInt(60) + (Math.abs(row - (2 * y[i] + 4)) <= 1 ? 150 : 0);
                px[i * 784 + q] = (byte) Math.min(255, v);
            }
        }
        return new ImageSet(px, y, 28, 28, 10, FashionMnist.MEAN, FashionMnist.STD);
    }
}
