package org.eennrc.risk.perexit;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Checks;
import org.eennrc.risk.FwerProcedure;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.PValue;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.controllers.LttController;

/**
 * Pareto Testing (Laufer-Goldshtein, Fisch, Barzilay, Jaakkola; ICLR 2023) over per-exit thresholds, method.md §7:
 *
 * <ol>
 *   <li>split the calibration samples by a seeded random permutation: a fraction f to D_opt, the rest to D_test;</li>
 *   <li>on D_opt, the empirical risk of the clipped losses max(x, 0) (what the p-values test) and the mean cost
 *       of every configuration ({@link ConfigurationStats}), and the Pareto front ordered from the safest to the
 *       cheapest ({@link ParetoFront});</li>
 *   <li>on D_test, Learn then Test along that order: the p-value of H_j: R(λ^(j)) > ε from the clipped, scaled
 *       losses, and the family-wise error procedure at δ (fixed-sequence testing by default). This is exactly
 *       {@link LttController} on the loss matrix whose row j holds the D_test losses of the j-th path
 *       configuration;</li>
 *   <li>the last rejected position is the cheapest rejected configuration (cost falls along the front); if none is
 *       rejected, the full model.</li>
 * </ol>
 *
 * The order uses D_opt only, so conditionally on D_opt it is fixed before D_test is seen, and the procedure's
 * family-wise error guarantee on D_test gives P(R(λ̂) ≤ ε) ≥ 1 − δ without any monotonicity (method.md §7).
 */
public final class ParetoTesting implements PerExitController {
    /** The default fraction of the calibration set used to choose the path. */
    public static final double DEFAULT_SPLIT = 0.5;

    private final PValue pValue;
    private final FwerProcedure fwer;
    private final double split;
    private final long seed;
    private final LttController ltt;

    /**
     * @param split the fraction f of the calibration samples in D_opt, in (0, 1)
     * @param seed the seed of the split's permutation
     */
    public ParetoTesting(PValue pValue, FwerProcedure fwer, double split, long seed) {
        if (!(split > 0 && split < 1)) {
            throw new IllegalArgumentException("the split fraction must be in (0, 1), got " + split);
        }
        this.pValue = pValue;
        this.fwer = fwer;
        this.split = split;
        this.seed = seed;
        this.ltt = new LttController(pValue, fwer);
    }

    /** {@code pareto-ltt} for fixed-sequence testing with the HB p-value, else {@code pareto-ltt-<procedure>[-<p-value>]}. */
    public static String name(String procedure, String pValue) {
        boolean hb = LttController.DEFAULT_P_VALUE.equals(pValue);
        if ("fst".equals(procedure) && hb) return "pareto-ltt";
        return "pareto-ltt-" + procedure + (hb ? "" : "-" + pValue);
    }

    @Override
    public String name() {
        return name(fwer.name(), pValue.name());
    }

    @Override
    public Guarantee guarantee() {
        return Guarantee.HIGH_PROBABILITY;
    }

    public double split() {
        return split;
    }

    public long seed() {
        return seed;
    }

    /** The same procedure with another split fraction and seed. */
    public ParetoTesting withSplit(double fraction, long newSeed) {
        return new ParetoTesting(pValue, fwer, fraction, newSeed);
    }

    /** The D_opt and D_test positions of n calibration samples: a seeded permutation cut at round(f · n). */
    public int[][] splitIndices(int n) {
        int nOpt = (int) Math.round(split * n);
        nOpt = Math.max(1, Math.min(n - 2, nOpt));
        if (n < 3) throw new IllegalArgumentException("Pareto Testing needs at least 3 calibration samples, got " + n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return new int[][] {Arrays.copyOf(perm, nOpt), Arrays.copyOfRange(perm, nOpt, n)};
    }

    @Override
    public Calibration prepare(ExitTables cal, Configurations configs, double delta) {
        Checks.delta(delta);
        if (configs.numExits() != cal.numExits()) {
            throw new IllegalArgumentException("configurations are for " + configs.numExits() + " exits, the tables have "
                    + cal.numExits());
        }
        int[][] parts = splitIndices(cal.numSamples());
        ExitTables opt = cal.subset(parts[0]);
        ExitTables test = cal.subset(parts[1]);
        ConfigurationStats stats = ConfigurationStats.of(opt.clippedAtZero(), configs);
        int[] path = ParetoFront.path(stats.risk(), stats.cost());
        return testAlong(cal, opt.numSamples(), test, configs, path, stats.cost(), delta);
    }

    /**
     * Step 3–4 on given data: LTT along {@code path} on {@code test}. Public so that a test can show what goes wrong
     * when the path is chosen on the tested data themselves.
     */
    public Calibration testAlong(ExitTables all, int nOpt, ExitTables test, Configurations configs, int[] path,
            double[] optCost, double delta) {
        double[][] rows = new double[path.length][];
        for (int j = 0; j < path.length; j++) rows[j] = ConfigurationStats.losses(test, configs, path[j]);
        LossMatrix m = LossMatrix.of(rows, test.lowerBound(), test.upperBound());
        RiskController.Calibration prepared = ltt.prepare(m, delta);
        int d = configs.numExits() - 1;
        return new Calibration() {
            @Override
            public int selectIndex(double epsilon) {
                int last = prepared.selectIndex(epsilon);
                return last < 0 ? -1 : path[last];
            }

            @Override
            public int selectPosition(double epsilon) {
                return prepared.selectIndex(epsilon) + 1;
            }

            @Override
            public PerExitResult select(double epsilon) {
                CalibrationResult r = prepared.select(epsilon);
                int chosen = r.feasible() ? path[r.index()] : -1;
                double[] th = new double[d];
                if (chosen >= 0) th = configs.thresholds(chosen);
                else Arrays.fill(th, 1.0);
                double calRisk = mean(all, th);
                double testRisk = mean(test, th);
                double cost = chosen >= 0 ? optCost[chosen] : all.fullCost();
                return new PerExitResult(name(), epsilon, delta, all.numSamples(), nOpt, test.numSamples(), chosen,
                        th, r.feasible(), guarantee(), path, r.statistic(), r.feasible() ? r.index() + 1 : 0,
                        r.transform(), calRisk, testRisk, cost);
            }
        };
    }

    /** The mean loss of thresholds {@code th} on every sample of {@code t}. */
    static double mean(ExitTables t, double[] th) {
        double s = 0;
        for (int i = 0; i < t.numSamples(); i++) s += t.loss(i, t.exit(i, th, 0));
        return s / t.numSamples();
    }
}
