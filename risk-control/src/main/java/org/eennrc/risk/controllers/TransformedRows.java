package org.eennrc.risk.controllers;

import org.eennrc.risk.BoundedSample;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.LossTransform;

/**
 * The rows of a calibration matrix after a loss transformation, built on first use: UCB and LTT scans stop
 * early, so most rows of a large grid are never transformed. Not thread-safe (one per calibration).
 */
final class TransformedRows {
    private final LossMatrix losses;
    private final LossTransform transform;
    private final BoundedSample[] rows;

    TransformedRows(LossMatrix losses, LossTransform transform) {
        this.losses = losses;
        this.transform = transform;
        this.rows = new BoundedSample[losses.numLambdas()];
    }

    BoundedSample get(int k) {
        BoundedSample s = rows[k];
        if (s == null) {
            s = BoundedSample.of(losses, k, transform);
            rows[k] = s;
        }
        return s;
    }
}
