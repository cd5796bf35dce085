package org.eennrc.risk.internal;

import org.eennrc.risk.protocol.ProtocolRow;

/**
 * Summarises one controller at one ε over the trials of the evaluation protocol (method.md §5) into a
 * {@link ProtocolRow}. Shared by {@link org.eennrc.risk.protocol.Protocol} (shared λ) and
 * {@link org.eennrc.risk.perexit.PerExitProtocol} (per-exit thresholds, method.md §7) so that both report the same
 * columns computed the same way.
 */
public final class TrialSummary {
    private TrialSummary() {}

    /**
     * One row from the per-trial values (all arrays indexed by trial, all of the same length).
     *
     * @param risk     test risk of the chosen configuration
     * @param cost     test-set mean cost of the chosen configuration
     * @param saving   1 − cost / cost of the full model
     * @param chosen   the chosen index, negative when nothing was certified (infeasible)
     * @param position the position reported as {@code mean_index} (0 when infeasible)
     */
    public static ProtocolRow row(String controller, double eps, double delta, int nCal, double[] risk,
            double[] cost, double[] saving, int[] chosen, int[] position) {
        int trials = risk.length;
        double meanRisk = mean(risk);
        int violations = 0;
        int infeasible = 0;
        double pos = 0;
        for (int t = 0; t < trials; t++) {
            if (risk[t] > eps) violations++;
            if (chosen[t] < 0) infeasible++;
            pos += position[t];
        }
        return new ProtocolRow(controller, eps, delta, nCal, trials, meanRisk, sd(risk, meanRisk),
                (double) violations / trials, mean(cost), mean(saving), pos / trials, (double) infeasible / trials);
    }

    /** The arithmetic mean. */
    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** The sample standard deviation (n − 1), 0 for fewer than two values. */
    public static double sd(double[] v, double mean) {
        if (v.length < 2) return 0;
        double s = 0;
        for (double x : v) s += (x - mean) * (x - mean);
        return Math.sqrt(s / (v.length - 1));
    }
}
