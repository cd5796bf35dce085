package org.eennrc.risk;

/**
 * What a controller did to the losses before computing its statistic (method.md §2): statistics that need
 * losses in [0, 1] (Hoeffding, Bentkus, HB p-values) use x' = max(x, 0) / B; CRC, WSR and the naive rule
 * use the losses as they are. Recorded in every result so that a certificate says what it certifies.
 */
public record LossTransform(boolean clipAtZero, double scale) {

    public static final LossTransform NONE = new LossTransform(false, 1.0);

    /** x' = max(x, 0) / B. */
    public static LossTransform clipAndScale(double bound) {
        return new LossTransform(true, bound);
    }

    public boolean isIdentity() {
        return !clipAtZero && scale == 1.0;
    }

    public double apply(double x) {
        return (clipAtZero ? Math.max(x, 0.0) : x) / scale;
    }

    /** Human-readable form, e.g. {@code max(x,0)/2} or {@code none}. */
    public String describe() {
        if (isIdentity()) return "none";
        String s = clipAtZero ? "max(x,0)" : "x";
        return scale == 1.0 ? s : s + "/" + stripZeros(scale);
    }

    private static String stripZeros(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
