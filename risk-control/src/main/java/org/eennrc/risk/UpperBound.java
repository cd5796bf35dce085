package org.eennrc.risk;

/**
 * A (1 − δ) upper confidence bound R̂⁺ on the mean loss of one threshold (the UCB controllers, method.md §4,
 * following RCPS). Plug in a new bound by binding it by name; the controller {@code ucb-<name>} then exists.
 */
public interface UpperBound {

    /** Name used in the controller name {@code ucb-<name>}. */
    String name();

    /**
     * How the losses must be transformed before {@link #upperBound} sees them, given their upper bound B.
     * Bounds that need [0, 1] losses return {@link LossTransform#clipAndScale(double)}; the controller
     * scales the result back by B.
     */
    LossTransform transform(double lossBound);

    /**
     * The (1 − δ) upper confidence bound on the mean of {@code sample}, in the sample's units, at most
     * {@code sample.bound()}.
     */
    double upperBound(BoundedSample sample, double delta);

    /**
     * Whether R̂⁺ < ε, in the sample's units. This is all a UCB scan needs, and for bounds defined by a
     * monotone tail it is one tail evaluation instead of a root search, which is what makes the evaluation
     * protocol fast. Implementations must agree with {@link #upperBound} (up to its root-finding tolerance).
     */
    default boolean isBelow(BoundedSample sample, double delta, double epsilon) {
        return upperBound(sample, delta) < epsilon;
    }

    /**
     * This bound on one sample at one δ, asked about many ε (a UCB calibration asks each threshold about
     * several ε). Bounds with per-sample set-up work (the bets of WSR) override this to do it once.
     */
    default Prepared prepare(BoundedSample sample, double delta) {
        return new Prepared() {
            private double value = Double.NaN;

            @Override
            public double value() {
                if (Double.isNaN(value)) value = upperBound(sample, delta);
                return value;
            }

            @Override
            public boolean isBelow(double epsilon) {
                return Double.isNaN(value) ? UpperBound.this.isBelow(sample, delta, epsilon) : value < epsilon;
            }
        };
    }

    /** An upper bound prepared on one sample and δ. Not thread-safe. */
    interface Prepared {
        /** R̂⁺, in the sample's units. */
        double value();

        /** Whether R̂⁺ < ε. */
        boolean isBelow(double epsilon);
    }
}
