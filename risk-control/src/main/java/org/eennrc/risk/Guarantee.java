package org.eennrc.risk;

/** The kind of guarantee a controller gives (method.md §3). */
public enum Guarantee {
    /** No guarantee (the naive baseline). */
    NONE("none"),
    /** E[R(λ̂)] ≤ ε over calibration and test data (CRC). */
    EXPECTATION("E[R] <= eps"),
    /** P(R(λ̂) ≤ ε) ≥ 1 − δ over the calibration draw (UCB, LTT). */
    HIGH_PROBABILITY("P(R <= eps) >= 1 - delta");

    private final String description;

    Guarantee(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
