package org.eennrc.risk.perexit;

import java.util.Arrays;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LossTransform;

/**
 * What a per-exit controller decided on one calibration set for one ε (method.md §7).
 *
 * @param configuration the chosen configuration's index in the family, or −1 when nothing was certified
 * @param thresholds the chosen λ (length L − 1); all 1 (the full model) when nothing was certified
 * @param nOpt samples used to estimate risks and costs and choose the path (D_opt)
 * @param nTest samples used to test along the path (D_test)
 * @param path configuration indices in the order they were tested (the Pareto front, safest first)
 * @param pValues one per path position; NaN where not computed
 * @param rejected how many hypotheses along the path were rejected before the procedure stopped (its last
 *     rejected position + 1)
 * @param calibrationRisk the chosen configuration's mean loss on all calibration samples
 * @param testRisk its mean loss on D_test
 * @param optCost its mean cost on D_opt
 */
public record PerExitResult(String controller, double epsilon, double delta, int n, int nOpt, int nTest,
        int configuration, double[] thresholds, boolean feasible, Guarantee guarantee, int[] path, double[] pValues,
        int rejected, LossTransform transform, double calibrationRisk, double testRisk, double optCost) {

    public PerExitResult {
        thresholds = thresholds.clone();
        path = path.clone();
        pValues = pValues.clone();
    }

    @Override
    public double[] thresholds() {
        return thresholds.clone();
    }

    @Override
    public int[] path() {
        return path.clone();
    }

    @Override
    public double[] pValues() {
        return pValues.clone();
    }

    /** "certified" or "infeasible: full model". */
    public String status() {
        return feasible ? "certified" : "infeasible: full model";
    }

    @Override
    public String toString() {
        return "PerExitResult[" + controller + ", eps=" + epsilon + ", delta=" + delta + ", n=" + n + " (" + nOpt + "+"
                + nTest + "), configuration=" + configuration + " " + Arrays.toString(thresholds) + ", " + status()
                + ", path=" + path.length + ", rejected=" + rejected + ", calRisk=" + calibrationRisk + "]";
    }
}
