package org.eennrc.core.dense;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;

/**
 * The built-in dense confidences of method.md §6: a per-pixel confidence, aggregated over the image. A spec string
 * names one:
 *
 * <pre>
 *   spec      = pixel ":" aggregate
 *   pixel     = "top1" | "margin" | "entropy"          ("topdiff", "top-diff" are accepted for "margin")
 *   aggregate = "mean" | "median" | "quantile-" q | "patch-" s "-" t "-" q
 * </pre>
 *
 * <ul>
 *   <li>{@code top1}: max_c p(c) at the pixel; {@code margin}: top-1 minus top-2 probability; {@code entropy}:
 *       1 − H(p)/log C (1 when C = 1, 0·log 0 = 0);</li>
 *   <li>{@code mean}, {@code median}: over all H·W pixels; {@code quantile-q}: the q-quantile (q in [0, 1], a low one
 *       such as 0.1 makes the image only as confident as its least confident pixels);</li>
 *   <li>{@code patch-s-t-q}: the mean over every s×s patch whose top-left corner lies on a stride-t grid (0, t, 2t, …
 *       while the patch fits inside the image: no padding, like a valid average pool), then the q-quantile of those
 *       patch means; one unsure region then lowers the image's confidence even when most pixels are sure.</li>
 * </ul>
 *
 * Quantiles interpolate linearly between order statistics (NumPy's default): with the n values sorted,
 * position q·(n − 1). The median is the 0.5-quantile. Examples: {@code top1:mean}, {@code margin:quantile-0.1},
 * {@code entropy:patch-8-4-0.1}. Every malformed spec gives an error naming the part at fault and the grammar.
 */
public final class DenseConfidences {
    private DenseConfidences() {}

    /** The grammar, for error messages. */
    public static final String GRAMMAR = "<pixel>:<aggregate> with pixel one of top1, margin, entropy and aggregate one"
            + " of mean, median, quantile-<q>, patch-<size>-<stride>-<q> (q in [0, 1]), e.g. top1:mean,"
            + " margin:quantile-0.1, entropy:patch-8-4-0.1";

    /** The per-pixel confidence. */
    public enum Pixel {
        TOP1("top1"), MARGIN("margin"), ENTROPY("entropy");

        private final String key;

        Pixel(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /**
     * Parses a spec (case-insensitive, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the problem and the grammar
     */
    public static Aggregated parse(String spec) {
        if (spec == null) throw new IllegalArgumentException("dense confidence spec is null; expected " + GRAMMAR);
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("dense confidence '" + spec + "' has no ':'; expected " + GRAMMAR);
        }
        String p = s.substring(0, colon);
        Pixel pixel = switch (p) {
            case "top1" -> Pixel.TOP1;
            case "margin", "topdiff", "top-diff" -> Pixel.MARGIN;
            case "entropy" -> Pixel.ENTROPY;
            default -> throw new IllegalArgumentException("dense confidence '" + spec + "': unknown per-pixel"
                    + " confidence '" + p + "'; expected " + GRAMMAR);
        };
        String a = s.substring(colon + 1);
        if (a.equals("mean")) return new Aggregated(pixel, Kind.MEAN, 0, 0, 0);
        if (a.equals("median")) return new Aggregated(pixel, Kind.QUANTILE, 0, 0, 0.5);
        if (a.startsWith("quantile-")) {
            double q = quantileLevel(spec, a.substring("quantile-".length()));
            return new Aggregated(pixel, Kind.QUANTILE, 0, 0, q);
        }
        if (a.startsWith("patch-")) {
            String[] parts = a.substring("patch-".length()).split("-", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException("dense confidence '" + spec + "': patch needs size, stride and"
                        + " quantile, as patch-<size>-<stride>-<q>; expected " + GRAMMAR);
            }
            int size = positive(spec, "patch size", parts[0]);
            int stride = positive(spec, "patch stride", parts[1]);
            double q = quantileLevel(spec, parts[2]);
            return new Aggregated(pixel, Kind.PATCH, size, stride, q);
        }
        throw new IllegalArgumentException("dense confidence '" + spec + "': unknown aggregation '" + a + "'; expected "
                + GRAMMAR);
    }

    private static double quantileLevel(String spec, String text) {
        double q;
        try {
            q = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dense confidence '" + spec + "': quantile '" + text
                    + "' is not a number; expected " + GRAMMAR, e);
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("dense confidence '" + spec + "': quantile " + text
                    + " is outside [0, 1]");
        }
        return q;
    }

    private static int positive(String spec, String what, String text) {
        int v;
        try {
            v = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dense confidence '" + spec + "': " + what + " '" + text
                    + "' is not an integer; expected " + GRAMMAR, e);
        }
        if (v < 1) throw new IllegalArgumentException("dense confidence '" + spec + "': " + what + " must be >= 1, got " + v);
        return v;
    }

    private enum Kind { MEAN, QUANTILE, PATCH }

    /** A parsed built-in dense confidence; its {@link #name()} is the canonical spec. */
    public static final class Aggregated implements DenseConfidence {
        private final Pixel pixel;
        private final Kind kind;
        private final int size;
        private final int stride;
        private final double q;
        private final String name;

        private Aggregated(Pixel pixel, Kind kind, int size, int stride, double q) {
            this.pixel = pixel;
            this.kind = kind;
            this.size = size;
            this.stride = stride;
            this.q = q;
            String level = BigDecimal.valueOf(q).stripTrailingZeros().toPlainString();
            this.name = pixel.key() + ":" + switch (kind) {
                case MEAN -> "mean";
                case QUANTILE -> q == 0.5 ? "median" : "quantile-" + level;
                case PATCH -> "patch-" + size + "-" + stride + "-" + level;
            };
        }

        @Override
        public String name() {
            return name;
        }

        public Pixel pixel() {
            return pixel;
        }

        @Override
        public double confidence(float[] probs, int classes, int height, int width) {
            return aggregate(pixelMap(pixel, probs, classes, height, width), height, width);
        }

        /**
         * Aggregates a per-pixel map (length H·W, row-major [h][w]) to the image's confidence, clamped to [0, 1].
         *
         * @throws IllegalArgumentException if the map's length is not H·W or a patch does not fit in the image
         */
        public double aggregate(double[] map, int height, int width) {
            if (height < 1 || width < 1 || map.length != (long) height * width) {
                throw new IllegalArgumentException("confidence map has " + map.length + " values but H * W = " + height
                        + " * " + width);
            }
            double v = switch (kind) {
                case MEAN -> {
                    double s = 0;
                    for (double x : map) s += x;
                    yield s / map.length;
                }
                case QUANTILE -> quantile(map.clone(), q);
                case PATCH -> quantile(patchMeans(map, height, width, size, stride), q);
            };
            return clamp01(v);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The per-pixel confidence map (length H·W, [h][w]) of one image's probabilities [c][h][w].
     *
     * @throws IllegalArgumentException on a wrong length or a value that is NaN or outside [0, 1]
     */
    public static double[] pixelMap(Pixel pixel, float[] probs, int classes, int height, int width) {
        if (classes < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("need C, H, W >= 1, got C = " + classes + ", H = " + height + ", W = "
                    + width);
        }
        int hw = height * width;
        if (probs == null || probs.length != (long) classes * hw) {
            throw new IllegalArgumentException("probabilities have " + (probs == null ? "null" : probs.length)
                    + " values but C * H * W = " + classes + " * " + height + " * " + width + " = "
                    + ((long) classes * hw));
        }
        double logC = Math.log(classes);
        double[] out = new double[hw];
        for (int u = 0; u < hw; u++) {
            double b1 = -1;
            double b2 = 0;
            double h = 0;
            for (int c = 0; c < classes; c++) {
                double v = probs[c * hw + u];
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("probability of class " + c + " at pixel (" + (u / width) + ", "
                            + (u % width) + ") is " + v + "; must be in [0, 1]");
                }
                if (v > b1) {
                    b2 = Math.max(b1, 0);
                    b1 = v;
                } else if (v > b2) {
                    b2 = v;
                }
                if (pixel == Pixel.ENTROPY && v > 0) h -= v * Math.log(v); // the logs only when used
            }
            out[u] = clamp01(switch (pixel) {
                case TOP1 -> b1;
                case MARGIN -> classes == 1 ? b1 : b1 - b2;
                case ENTROPY -> classes == 1 ? 1.0 : 1.0 - h / logC;
            });
        }
        return out;
    }

    /**
     * The mean of every size×size patch with top-left corner (y, x) on the stride grid, y = 0, t, … ≤ H − size (and
     * likewise x), from a summed-area table; row-major over (y, x).
     *
     * @throws IllegalArgumentException if the patch is larger than the image
     */
    public static double[] patchMeans(double[] map, int height, int width, int size, int stride) {
        if (size > height || size > width) {
            throw new IllegalArgumentException("patch size " + size + " does not fit in the " + height + " x " + width
                    + " image");
        }
        if (stride < 1) throw new IllegalArgumentException("patch stride must be >= 1, got " + stride);
        int w1 = width + 1;
        double[] sat = new double[(height + 1) * w1];
        for (int y = 0; y < height; y++) {
            double row = 0;
            for (int x = 0; x < width; x++) {
                row += map[y * width + x];
                sat[(y + 1) * w1 + x + 1] = sat[y * w1 + x + 1] + row;
            }
        }
        int ny = (height - size) / stride + 1;
        int nx = (width - size) / stride + 1;
        double[] out = new double[ny * nx];
        double area = (double) size * size;
        for (int j = 0; j < ny; j++) {
            int y0 = j * stride;
            int y1 = y0 + size;
            for (int i = 0; i < nx; i++) {
                int x0 = i * stride;
                int x1 = x0 + size;
                double s = sat[y1 * w1 + x1] - sat[y0 * w1 + x1] - sat[y1 * w1 + x0] + sat[y0 * w1 + x0];
                out[j * nx + i] = s / area;
            }
        }
        return out;
    }

    /** The q-quantile with linear interpolation (NumPy's default); sorts {@code values} in place. */
    public static double quantile(double[] values, double q) {
        if (values.length == 0) throw new IllegalArgumentException("quantile of no values");
        if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("quantile level " + q + " outside [0, 1]");
        Arrays.sort(values);
        double pos = q * (values.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, values.length - 1);
        double frac = pos - lo;
        return values[lo] + frac * (values[hi] - values[lo]);
    }

    static double clamp01(double v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }
}
