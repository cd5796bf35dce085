package org.eennrc.core;

import java.util.List;

/**
 * The built-in confidence measures of method.md §1 and a lookup by name.
 *
 * <ul>
 *   <li>{@code max-softmax} (default): max_y p_l(y|x), the paper's choice for classification;</li>
 *   <li>{@code top-diff}: p_l(top1) − p_l(top2), CALM's choice for language models;</li>
 *   <li>{@code entropy}: 1 − H(p_l)/log C, with 0·log 0 = 0 (1 when C = 1);</li>
 *   <li>{@code provided}: the {@code confidence} array shipped with the outputs (a learned exit head).</li>
 * </ul>
 *
 * <p>{@link CoreModule} binds each of them by name; {@link #byName} looks a name up in {@link Registry#current()},
 * which also holds the measures of plug-ins. A user's own measure can also be passed as an instance wherever a
 * {@link ConfidenceMeasure} is accepted.
 */
public final class ConfidenceMeasures {
    private ConfidenceMeasures() {}

    public static final String DEFAULT = "max-softmax";

    /** max_y p(y). */
    public static final ConfidenceMeasure MAX_SOFTMAX = new ConfidenceMeasure() {
        @Override
        public String name() {
            return "max-softmax";
        }

        @Override
        public double confidence(float[] p) {
            float m = 0f;
            for (float v : p) if (v > m) m = v;
            return m;
        }

        @Override
        public double[] confidences(ExitOutputs o) {
            float[] t = o.top1View();
            double[] out = new double[t.length];
            for (int i = 0; i < t.length; i++) out[i] = clamp01(t[i]);
            return out;
        }

        @Override
        public String toString() {
            return name();
        }
    };

    /** p(top1) − p(top2). */
    public static final ConfidenceMeasure TOP_DIFF = new ConfidenceMeasure() {
        @Override
        public String name() {
            return "top-diff";
        }

        @Override
        public double confidence(float[] p) {
            float b1 = -1f;
            float b2 = 0f;
            for (float v : p) {
                if (v > b1) {
                    b2 = Math.max(b1, 0f);
                    b1 = v;
                } else if (v > b2) {
                    b2 = v;
                }
            }
            return p.length == 1 ? clamp01(b1) : clamp01((double) b1 - b2);
        }

        @Override
        public double[] confidences(ExitOutputs o) {
            float[] t1 = o.top1View();
            float[] t2 = o.top2View();
            double[] out = new double[t1.length];
            for (int i = 0; i < t1.length; i++) out[i] = clamp01((double) t1[i] - t2[i]);
            return out;
        }

        @Override
        public String toString() {
            return name();
        }
    };

    /** 1 − H(p)/log C. */
    public static final ConfidenceMeasure ENTROPY = new ConfidenceMeasure() {
        @Override
        public String name() {
            return "entropy";
        }

        @Override
        public double confidence(float[] p) {
            return entropyConfidence(p, 0, p.length);
        }

        @Override
        public double[] confidences(ExitOutputs o) {
            float[] p = o.probsView();
            int c = o.numClasses();
            double[] out = new double[o.numSamples() * o.numExits()];
            for (int r = 0; r < out.length; r++) out[r] = entropyConfidence(p, r * c, c);
            return out;
        }

        @Override
        public String toString() {
            return name();
        }
    };

    /** The {@code confidence} array that came with the outputs. */
    public static final ConfidenceMeasure PROVIDED = new ConfidenceMeasure() {
        @Override
        public String name() {
            return "provided";
        }

        @Override
        public double confidence(float[] p) {
            throw new UnsupportedOperationException("the 'provided' confidence is read from the outputs' confidence"
                    + " array, not computed from a probability vector");
        }

        @Override
        public double[] confidences(ExitOutputs o) {
            if (!o.hasConfidence()) {
                throw new IllegalArgumentException("confidence measure 'provided' needs outputs that carry a"
                        + " 'confidence' array of shape (N, L); these outputs have none. Use one of "
                        + List.of("max-softmax", "top-diff", "entropy"));
            }
            return o.confidenceView().clone();
        }

        @Override
        public String toString() {
            return name();
        }
    };

    private static final List<ConfidenceMeasure> ALL = List.of(MAX_SOFTMAX, TOP_DIFF, ENTROPY, PROVIDED);

    /** The names of the built-in measures, default first. */
    public static List<String> names() {
        return ALL.stream().map(ConfidenceMeasure::name).toList();
    }

    /** The built-in measures, default first. */
    public static List<ConfidenceMeasure> all() {
        return ALL;
    }

    /**
     * The measure of this name from {@link Registry#current()}: a built-in or a plug-in's (case-insensitive;
     * {@code maxsoftmax}, {@code max_softmax} also work).
     *
     * @throws IllegalArgumentException listing the known names
     */
    public static ConfidenceMeasure byName(String name) {
        return Registry.current().confidence(name);
    }

    static double entropyConfidence(float[] p, int off, int c) {
        if (c == 1) return 1.0;
        double h = 0;
        for (int j = 0; j < c; j++) {
            double v = p[off + j];
            if (v > 0) h -= v * Math.log(v);
        }
        return clamp01(1.0 - h / Math.log(c));
    }

    static double clamp01(double v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }
}
