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

    /** Parses {@code start:stop:step} (inclusive of stop, as the paper's 0.01…0.19) or a comma list. */
    public static double[] parseGrid(String spec) {
        String s = spec.trim();
        if (s.contains(":")) {
            String[] p = s.split(":");
            if (p.length != 3) throw new IllegalArgumentException("grid '" + spec + "' must be start:stop:step");
            double start = Double.parseDouble(p[0]);
            double stop = Double.parseDouble(p[1]);
            double step = Double.parseDouble(p[2]);
            if (!(step > 0) || stop < start) {
                throw new IllegalArgumentException("grid '" + spec + "' needs step > 0 and stop >= start");
            }
            int count = (int) Math.floor((stop - start) / step + 1e-9) + 1;
            double[] out = new double[count];
            for (int i = 0; i < count; i++) out[i] = Math.round((start + i * step) * 1e12) / 1e12;
            return out;
        }
        String[] parts = s.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("'" + parts[i].trim() + "' in '" + spec + "' is not a number");
            }
        }
        return out;
    }
}
