package org.eennrc.risk;

/** Argument checks shared by the controllers, with messages that name the problem. */
public final class Checks {
    private Checks() {}

    /** ε must lie in (0, 1). */
    public static double epsilon(double epsilon) {
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new IllegalArgumentException("epsilon (risk tolerance) must be in (0, 1), got " + epsilon);
        }
        return epsilon;
    }

    /** δ must lie in (0, 1). */
    public static double delta(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta (error level) must be in (0, 1), got " + delta);
        }
        return delta;
    }

    /** A calibration set needs at least two samples for any of the bounds to mean something. */
    public static LossMatrix calibrationSet(LossMatrix calibration) {
        if (calibration == null) throw new IllegalArgumentException("calibration losses are missing");
        if (calibration.numSamples() < 2) {
            throw new IllegalArgumentException("calibration set has " + calibration.numSamples()
                    + " sample(s); at least 2 are needed");
        }
        return calibration;
    }
}
