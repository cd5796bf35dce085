package org.eennrc.core;

import java.util.List;

/**
 * The five risks of method.md §2 and a lookup by name. With p_l the exit-l distribution, ŷ_l its argmax, L the last
 * exit, y the label and e_y the one-hot vector:
 *
 * <table>
 *   <caption>risks</caption>
 *   <tr><th>name</th><th>loss of exit l</th><th>range</th><th>labels</th></tr>
 *   <tr><td>{@code prediction-gap}</td><td>1[ŷ_l ≠ y] − 1[ŷ_L ≠ y]</td><td>[−1, 1]</td><td>yes</td></tr>
 *   <tr><td>{@code brier-gap}</td><td>‖p_l − e_y‖² − ‖p_L − e_y‖²</td><td>[−2, 2]</td><td>yes</td></tr>
 *   <tr><td>{@code prediction-consistency}</td><td>1[ŷ_l ≠ ŷ_L]</td><td>[0, 1]</td><td>no</td></tr>
 *   <tr><td>{@code brier-consistency}</td><td>‖p_l − e_{ŷ_L}‖² − ‖p_L − e_{ŷ_L}‖²</td><td>[−2, 2]</td><td>no</td></tr>
 *   <tr><td>{@code hellinger-consistency}</td><td>‖√p_l − √p_L‖₂ / √2</td><td>[0, 1]</td><td>no</td></tr>
 * </table>
 *
 * <p>The Brier risks use ‖p − e_y‖² = Σ_c p(c)² − 2 p(y) + 1 with Σ p² cached by {@link ExitOutputs}, so they cost
 * O(1) per (sample, exit); the Hellinger risk costs O(C).
 */
public final class Risks {
    private Risks() {}

    public static final Risk PREDICTION_GAP = new Base("prediction-gap", -1, 1, true, false) {
        @Override
        public double loss(ExitOutputs o, int i, int e) {
            int y = o.label(i);
            int last = o.numExits() - 1;
            return (o.prediction(i, e) != y ? 1 : 0) - (o.prediction(i, last) != y ? 1 : 0);
        }
    };

    public static final Risk BRIER_GAP = new Base("brier-gap", -2, 2, true, true) {
        @Override
        public double loss(ExitOutputs o, int i, int e) {
            return brierDifference(o, i, e, o.label(i));
        }
    };

    public static final Risk PREDICTION_CONSISTENCY = new Base("prediction-consistency", 0, 1, false, false) {
        @Override
        public double loss(ExitOutputs o, int i, int e) {
            return o.prediction(i, e) != o.prediction(i, o.numExits() - 1) ? 1 : 0;
        }
    };

    public static final Risk BRIER_CONSISTENCY = new Base("brier-consistency", -2, 2, false, true) {
        @Override
        public double loss(ExitOutputs o, int i, int e) {
            return brierDifference(o, i, e, o.prediction(i, o.numExits() - 1));
        }
    };

    public static final Risk HELLINGER_CONSISTENCY = new Base("hellinger-consistency", 0, 1, false, true) {
        @Override
        public double loss(ExitOutputs o, int i, int e) {
            int last = o.numExits() - 1;
            if (e == last) return 0;
            float[] p = o.probsView();
            int c = o.numClasses();
            int a = (i * o.numExits() + e) * c;
            int b = (i * o.numExits() + last) * c;
            double s = 0;
            for (int j = 0; j < c; j++) {
                double d = Math.sqrt(p[a + j]) - Math.sqrt(p[b + j]);
                s += d * d;
            }
            return Math.sqrt(s * 0.5);
        }

        @Override
        public double[] perExitLosses(ExitOutputs o) {
            o.requireProbabilities("risk '" + name() + "'");
            int n = o.numSamples();
            int l = o.numExits();
            int c = o.numClasses();
            float[] p = o.probsView();
            double[] out = new double[n * l];
            float[] sqrtLast = new float[c];
            float[] sqrtExit = new float[c];
            for (int i = 0; i < n; i++) {
                sqrtInto(p, (i * l + l - 1) * c, sqrtLast, c);
                for (int e = 0; e < l - 1; e++) {
                    // two simple loops that the JIT vectorises: element-wise sqrt, then the squared distance
                    sqrtInto(p, (i * l + e) * c, sqrtExit, c);
                    out[i * l + e] = clamp(Math.sqrt(squaredDistance(sqrtExit, sqrtLast, c) * 0.5));
                }
            }
            return out;
        }
    };

    private static void sqrtInto(float[] p, int off, float[] dst, int c) {
        for (int j = 0; j < c; j++) dst[j] = (float) Math.sqrt(p[off + j]);
    }

    /** Σ (a_j − b_j)², with four float partial sums of at most C/4 terms each, combined in double. */
    private static double squaredDistance(float[] a, float[] b, int c) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int j = 0;
        for (; j + 3 < c; j += 4) {
            float d0 = a[j] - b[j];
            float d1 = a[j + 1] - b[j + 1];
            float d2 = a[j + 2] - b[j + 2];
            float d3 = a[j + 3] - b[j + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        double s = (double) s0 + s1 + s2 + s3;
        for (; j < c; j++) {
            double d = a[j] - b[j];
            s += d * d;
        }
        return s;
    }

    private static final List<Risk> ALL = List.of(PREDICTION_GAP, BRIER_GAP, PREDICTION_CONSISTENCY,
            BRIER_CONSISTENCY, HELLINGER_CONSISTENCY);

    /** The names of the five risks. */
    public static List<String> names() {
        return ALL.stream().map(Risk::name).toList();
    }

    /** The five risks, in method.md §2 order. */
    public static List<Risk> all() {
        return ALL;
    }

    /**
     * The risk of this name from {@link Registry#current()}: one of the five or a plug-in's (case-insensitive,
     * {@code _} accepted for {@code -}).
     *
     * @throws IllegalArgumentException listing the known names
     */
    public static Risk byName(String name) {
        return Registry.current().risk(name);
    }

    /** ‖p_e − e_y‖² − ‖p_L − e_y‖² = (Σp_e² − 2p_e(y)) − (Σp_L² − 2p_L(y)). */
    static double brierDifference(ExitOutputs o, int i, int e, int y) {
        int last = o.numExits() - 1;
        if (e == last) return 0;
        double a = o.sumOfSquares(i, e) - 2.0 * o.prob(i, e, y);
        double b = o.sumOfSquares(i, last) - 2.0 * o.prob(i, last, y);
        return a - b;
    }

    private abstract static class Base implements Risk {
        private final String name;
        private final double lower;
        private final double upper;
        private final boolean labels;
        private final boolean distribution;

        Base(String name, double lower, double upper, boolean labels, boolean distribution) {
            this.name = name;
            this.lower = lower;
            this.upper = upper;
            this.labels = labels;
            this.distribution = distribution;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public double lowerBound() {
            return lower;
        }

        @Override
        public double upperBound() {
            return upper;
        }

        @Override
        public boolean needsLabels() {
            return labels;
        }

        @Override
        public boolean aboutDistribution() {
            return distribution;
        }

        /** Checks that the outputs carry probabilities (not only loss tables), then the default. */
        @Override
        public double[] perExitLosses(ExitOutputs o) {
            o.requireProbabilities("risk '" + name + "'");
            return Risk.super.perExitLosses(o);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
