package org.eennrc.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How far the outputs depart from marginal monotonicity (method.md §3): CRC and UCB assume the risk is
 * non-increasing in λ on average ("later exits are better on average"); LTT with fixed-sequence testing does
 * not. Reported:
 *
 * <ul>
 *   <li>per exit: the mean loss of answering at that exit instead of the last (should fall towards 0) and,
 *       with labels, the accuracy (should rise);</li>
 *   <li>the empirical risk curve R̂(k) over the grid, and its largest departure from monotone: the largest
 *       R̂(k) − R̂(k') with k &lt; k' (a larger λ having a larger risk).</li>
 * </ul>
 *
 * A warning is raised only when a departure is clear: larger than {@code z} standard errors of the paired
 * per-sample difference and than an absolute tolerance, so sampling noise alone rarely triggers it.
 */
public final class MonotonicityDiagnostic {
    /** Default number of standard errors a departure must exceed. */
    public static final double DEFAULT_Z = 3.0;
    /** Default absolute tolerance on a departure. */
    public static final double DEFAULT_TOLERANCE = 1e-3;

    private final String risk;
    private final double[] perExitMeanLoss;
    private final double[] perExitAccuracy;
    private final double[] riskCurve;
    private final double maxCurveViolation;
    private final int violationFrom;
    private final int violationTo;
    private final List<String> warnings;

    private MonotonicityDiagnostic(String risk, double[] loss, double[] acc, double[] curve, double maxViolation,
            int from, int to, List<String> warnings) {
        this.risk = risk;
        this.perExitMeanLoss = loss;
        this.perExitAccuracy = acc;
        this.riskCurve = curve;
        this.maxCurveViolation = maxViolation;
        this.violationFrom = from;
        this.violationTo = to;
        this.warnings = List.copyOf(warnings);
    }

    /** With the default thresholds; builds the loss matrix of {@code risk} from {@code builder}. */
    public static MonotonicityDiagnostic of(LossMatrixBuilder builder, Risk risk) {
        return of(builder, risk, DEFAULT_Z, DEFAULT_TOLERANCE);
    }

    public static MonotonicityDiagnostic of(LossMatrixBuilder builder, Risk risk, double z, double tolerance) {
        ExitOutputs o = builder.outputs();
        risk.requireLabels(o);
        int n = o.numSamples();
        int l = o.numExits();
        double[] perExit = risk.perExitLosses(o);
        double[][] rows = builder.exitTable().gather(perExit);
        List<String> warnings = new ArrayList<>();
        String grid = "λ";

        double[] meanLoss = new double[l];
        for (int e = 0; e < l; e++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += perExit[i * l + e];
            meanLoss[e] = s / n;
        }
        for (int e = 0; e + 1 < l; e++) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = perExit[i * l + e + 1] - perExit[i * l + e];
            double[] ms = meanAndSe(d);
            if (ms[0] > Math.max(tolerance, z * ms[1])) {
                warnings.add(String.format(Locale.ROOT, "risk '%s': mean loss rises from exit %d (%.4f) to exit %d"
                        + " (%.4f), %.1f standard errors; later exits are not better on average, which CRC and UCB"
                        + " assume (consider LTT with fixed-sequence testing)", risk.name(), e + 1, meanLoss[e],
                        e + 2, meanLoss[e + 1], ms[1] > 0 ? ms[0] / ms[1] : Double.POSITIVE_INFINITY));
            }
        }

        double[] acc = null;
        if (o.hasLabels()) {
            acc = new double[l];
            int[] y = o.labelsView();
            int[] pred = o.predictionsView();
            for (int e = 0; e < l; e++) {
                int hit = 0;
                for (int i = 0; i < n; i++) if (pred[i * l + e] == y[i]) hit++;
                acc[e] = (double) hit / n;
            }
            for (int e = 0; e + 1 < l; e++) {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = (pred[i * l + e + 1] == y[i] ? 1 : 0) - (pred[i * l + e] == y[i] ? 1 : 0);
                }
                double[] ms = meanAndSe(d);
                if (-ms[0] > Math.max(tolerance, z * ms[1])) {
                    warnings.add(String.format(Locale.ROOT, "accuracy falls from exit %d (%.4f) to exit %d (%.4f),"
                            + " %.1f standard errors; CRC and UCB assume later exits are better on average", e + 1,
                            acc[e], e + 2, acc[e + 1], ms[1] > 0 ? -ms[0] / ms[1] : Double.POSITIVE_INFINITY));
                }
            }
        }

        int kk = rows.length;
        double[] curve = new double[kk];
        for (int k = 0; k < kk; k++) {
            double s = 0;
            for (double v : rows[k]) s += v;
            curve[k] = s / n;
        }
        // Largest R̂(k) − R̂(k') over k < k': scan from the right keeping the minimum.
        double best = 0;
        int from = -1;
        int to = -1;
        int argMin = kk - 1;
        for (int k = kk - 2; k >= 0; k--) {
            if (curve[k + 1] < curve[argMin]) argMin = k + 1;
            double v = curve[k] - curve[argMin];
            if (v > best) {
                best = v;
                from = k;
                to = argMin;
            }
        }
        if (from >= 0) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = rows[from][i] - rows[to][i];
            double[] ms = meanAndSe(d);
            if (best > Math.max(tolerance, z * ms[1])) {
                warnings.add(String.format(Locale.ROOT, "risk '%s': the empirical risk curve is not monotone: R̂ = %.4f"
                        + " at %s = %.2f but %.4f at the smaller %s = %.2f (%.1f standard errors); CRC and UCB rely on"
                        + " marginal monotonicity, LTT with fixed-sequence testing does not", risk.name(), curve[from],
                        grid, builder.grid().lambda(from), curve[to], grid, builder.grid().lambda(to),
                        ms[1] > 0 ? best / ms[1] : Double.POSITIVE_INFINITY));
            }
        }
        return new MonotonicityDiagnostic(risk.name(), meanLoss, acc, curve, best, from, to, warnings);
    }

    /** {mean, standard error of the mean}. */
    static double[] meanAndSe(double[] d) {
        int n = d.length;
        double m = 0;
        for (double v : d) m += v;
        m /= n;
        double ss = 0;
        for (double v : d) ss += (v - m) * (v - m);
        double se = n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;
        return new double[] {m, se};
    }


    public String risk() {
        return risk;
    }

    /** Mean loss of answering at exit l (0-based index, exit l + 1) instead of the last exit. */
    public double[] perExitMeanLoss() {
        return perExitMeanLoss.clone();
    }

    /** Accuracy of each exit, or null without labels. */
    public double[] perExitAccuracy() {
        return perExitAccuracy == null ? null : perExitAccuracy.clone();
    }

    /** R̂(k) for every grid index. */
    public double[] riskCurve() {
        return riskCurve.clone();
    }

    /** max over k &lt; k' of R̂(k) − R̂(k'); 0 for a monotone curve. */
    public double maxCurveViolation() {
        return maxCurveViolation;
    }

    /** Grid indices (k, k') of the largest violation, or -1 when monotone. */
    public int violationFrom() {
        return violationFrom;
    }

    public int violationTo() {
        return violationTo;
    }

    /** Human-readable warnings; empty when nothing is clearly non-monotone. */
    public List<String> warnings() {
        return warnings;
    }

    public boolean clearlyMonotone() {
        return warnings.isEmpty();
    }
}
