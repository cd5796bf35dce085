package org.eennrc.risk;

import java.util.Arrays;

/**
 * What a controller decided on one calibration set for one ε (method.md §4): the chosen index k̂ (and λ̂ when
 * the grid is known), whether anything was certified, the per-λ statistic the decision was based on, the
 * kind of guarantee and the transformation applied to the losses.
 *
 * <p>When no threshold passes, {@code feasible} is false and {@code index} is 0: the full model is used
 * ("infeasible: full model"), which has zero risk by construction of the gap and consistency risks.
 *
 * @param statisticName what {@code statistic} holds: {@code empirical_risk}, {@code crc_adjusted_risk},
 *     {@code upper_bound} or {@code p_value}
 * @param statistic one value per grid index; NaN where the controller did not need to compute it
 * @param calibrationRisk the empirical risk R̂(k̂) on the calibration set
 */
public record CalibrationResult(
        String controller,
        double epsilon,
        double delta,
        int n,
        int index,
        boolean feasible,
        Guarantee guarantee,
        String statisticName,
        double[] statistic,
        LossTransform transform,
        double calibrationRisk) {

    public CalibrationResult {
        statistic = statistic.clone();
    }

    /** λ̂ on the given grid. */
    public double lambda(LambdaGrid grid) {
        return grid.lambda(index);
    }

    /** "certified" or "infeasible: full model". */
    public String status() {
        return feasible ? "certified" : "infeasible: full model";
    }

    @Override
    public double[] statistic() {
        return statistic.clone();
    }

    @Override
    public String toString() {
        return "CalibrationResult[" + controller + ", eps=" + epsilon + ", delta=" + delta + ", n=" + n
                + ", index=" + index + ", " + status() + ", guarantee=" + guarantee.description()
                + ", transform=" + transform.describe() + ", calRisk=" + calibrationRisk + ", " + statisticName
                + "=" + Arrays.toString(Arrays.copyOf(statistic, Math.min(statistic.length, 8))) + "...]";
    }
}
