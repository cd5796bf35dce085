package org.eennrc.risk.protocol;

import org.eennrc.risk.Checks;

/**
 * The settings of the evaluation protocol (method.md §5): the ε grid, δ, the calibration size, the number of random
 * calibration/test splits and the seed that makes them reproducible.
 */
public record ProtocolSettings(double[] epsilons, double delta, int nCal, int trials, long seed) {

    public ProtocolSettings {
        if (epsilons == null || epsilons.length == 0) throw new IllegalArgumentException("the epsilon grid is empty");
        epsilons = epsilons.clone();
        for (double e : epsilons) Checks.epsilon(e);
        Checks.delta(delta);
        if (nCal < 2) throw new IllegalArgumentException("n_cal must be at least 2, got " + nCal);
        if (trials < 1) throw new IllegalArgumentException("trials must be at least 1, got " + trials);
    }

    @Override
    public double[] epsilons() {
        return epsilons.clone();
    }

    /** The most values a grid may have: every ε is a full pass of every controller over every trial. */
    public static final int MAX_GRID_VALUES = 10_000;

    /**
     * Parses {@code start:stop:step} (inclusive of stop, as the paper's 0.01…0.19) or a comma list.
     *
     * @throws IllegalArgumentException naming the part that is not a number, a malformed grid, or a grid of more
     *     than {@link #MAX_GRID_VALUES} values
     */
    public static double[] parseGrid(String spec) {
        String s = spec.trim();
        if (s.contains(":")) {
            String[] p = s.split(":", -1);
            if (p.length != 3) throw new IllegalArgumentException("grid '" + spec + "' must be start:stop:step");
            double start = number(p[0], spec);
            double stop = number(p[1], spec);
            double step = number(p[2], spec);
            if (!(step > 0) || !(stop >= start) || !Double.isFinite(stop - start)) {
                throw new IllegalArgumentException("grid '" + spec + "' needs step > 0 and stop >= start");
            }
            double n = Math.floor((stop - start) / step + 1e-9) + 1;
            if (!(n <= MAX_GRID_VALUES)) {
                throw new IllegalArgumentException("grid '" + spec + "' has " + (Double.isFinite(n) && n < 1e15
                        ? String.valueOf((long) n) : "too many") + " values; at most " + MAX_GRID_VALUES
                        + " are allowed (use a larger step)");
            }
            int count = (int) n;
            double[] out = new double[count];
            for (int i = 0; i < count; i++) out[i] = Math.round((start + i * step) * 1e12) / 1e12;
            return out;
        }
        String[] parts = s.split(",", -1);
        if (parts.length > MAX_GRID_VALUES) {
            throw new IllegalArgumentException("'" + abbreviate(spec) + "' has " + parts.length + " values; at most "
                    + MAX_GRID_VALUES + " are allowed");
        }
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = number(parts[i], spec);
        return out;
    }

    private static double number(String part, String spec) {
        String t = part.trim();
        try {
            if (t.isEmpty() || !t.matches("[-+0-9.eE]+")) throw new NumberFormatException();
            return Double.parseDouble(t);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("'" + t + "' in '" + abbreviate(spec) + "' is not a number");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
