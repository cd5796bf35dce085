package org.eennrc.bench;

import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ExitPolicy;
import org.eennrc.risk.Guarantee;

/** Exit policies for thresholds the benches pick themselves. */
final class Policies {
    private Policies() {
    }

    /**
     * A policy for a hand-picked threshold ({@code --lambda}): it certifies nothing ({@link Guarantee#NONE}). It exists
     * so that a bench applies every threshold the same way, through {@link ExitPolicy#apply} (the simulated exit) and
     * the predictor's {@code predict(data, policy)} (real early exit).
     */
    static ExitPolicy uncertified(ConfidenceMeasure measure, double lambda, int numExits) {
        return new ExitPolicy(measure.name(), lambda, numExits, new ExitPolicy.Certificate("none", "manual",
                Double.NaN, Double.NaN, 0, Guarantee.NONE, false, -1, Double.NaN, "none", Double.NaN));
    }
}
