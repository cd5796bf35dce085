package org.eennrc.risk.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.RiskController.Calibration;
import org.eennrc.risk.internal.TrialSummary;

/**
 * The evaluation protocol of method.md §5: for each seeded trial, draw n_cal samples without replacement as the
 * calibration set (the rest is the test set), let every controller pick k̂ for every ε, and record the test
 * risk, whether it exceeds ε, and the test cost at k̂.
 *
 * <p>Each controller's per-λ statistics are computed once per trial ({@link RiskController#prepare}) and
 * reused for the whole ε grid. Test risks come from row sums of the full matrix minus the calibration sums,
 * so a trial costs O(K · n_cal) plus the controllers' own work, not O(K · N). Trials run in parallel; each has
 * its own random stream derived from (seed, trial), so results do not depend on the number of threads.
 */
public final class Protocol {
    private Protocol() {}

    /** Runs the protocol; rows are ordered by controller (as given), then ε (as given). */
    public static List<ProtocolRow> run(LossMatrix losses, EfficiencyTable efficiency,
                                        List<RiskController> controllers, ProtocolSettings settings,
                                        ProgressListener progress) {
        return run(losses, efficiency, controllers, settings, progress, SelectionListener.NONE);
    }

    /**
     * Runs the protocol and tells {@code selections} every (trial, controller, ε) selection, e.g. to evaluate
     * baselines at the selected threshold; the rows are the same as without it.
     */
    public static List<ProtocolRow> run(LossMatrix losses, EfficiencyTable efficiency,
                                        List<RiskController> controllers, ProtocolSettings settings,
                                        ProgressListener progress, SelectionListener selections) {
        int total = losses.numSamples();
        int nCal = settings.nCal();
        if (nCal >= total) {
            throw new IllegalArgumentException("n_cal = " + nCal + " leaves no test samples out of " + total);
        }
        if (efficiency.numLambdas() != losses.numLambdas()) {
            throw new IllegalArgumentException("efficiency has " + efficiency.numLambdas()
                    + " thresholds but the losses have " + losses.numLambdas());
        }
        if (efficiency.isPerSample() && efficiency.numSamples() != total) {
            throw new IllegalArgumentException("efficiency has " + efficiency.numSamples()
                    + " samples but the losses have " + total);
        }
        if (controllers.isEmpty()) throw new IllegalArgumentException("no controllers given");
        double[] eps = settings.epsilons();
        int nc = controllers.size();
        int ne = eps.length;
        int trials = settings.trials();
        // [controller][epsilon][trial]
        double[][][] risk = new double[nc][ne][trials];
        double[][][] cost = new double[nc][ne][trials];
        double[][][] saving = new double[nc][ne][trials];
        int[][][] index = new int[nc][ne][trials];
        int[][][] used = new int[nc][ne][trials];
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        IntStream.range(0, trials).parallel().forEach(t -> {
            int[] cal = drawCalibration(total, nCal, settings.seed(), t);
            LossMatrix calLosses = losses.columns(cal);
            double fullCost = efficiency.testMean(0, cal);
            for (int c = 0; c < nc; c++) {
                Calibration prepared = controllers.get(c).prepare(calLosses, settings.delta());
                for (int e = 0; e < ne; e++) {
                    int k = prepared.selectIndex(eps[e]);
                    int u = Math.max(k, 0);
                    risk[c][e][t] = (losses.rowSum(u) - calLosses.rowSum(u)) / (total - nCal);
                    double cst = efficiency.testMean(u, cal);
                    cost[c][e][t] = cst;
                    saving[c][e][t] = fullCost > 0 ? 1 - cst / fullCost : 0;
                    index[c][e][t] = k;
                    used[c][e][t] = u;
                    selections.selected(t, c, e, k, cal);
                }
            }
            progress.trialsDone(done.incrementAndGet(), trials, System.nanoTime() - start);
        });
        List<ProtocolRow> rows = new ArrayList<>(nc * ne);
        for (int c = 0; c < nc; c++) {
            for (int e = 0; e < ne; e++) {
                rows.add(TrialSummary.row(controllers.get(c).name(), eps[e], settings.delta(), nCal, risk[c][e],
                        cost[c][e], saving[c][e], index[c][e], used[c][e]));
            }
        }
        return rows;
    }

    /**
     * The calibration indices of trial t, in draw order: a partial Fisher–Yates shuffle driven by a random
     * stream that depends only on (seed, t).
     */
    public static int[] drawCalibration(int total, int nCal, long seed, int trial) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + trial * 0xBF58476D1CE4E5B9L + 1);
        int[] perm = new int[total];
        for (int i = 0; i < total; i++) perm[i] = i;
        int[] cal = new int[nCal];
        for (int i = 0; i < nCal; i++) {
            int j = i + rng.nextInt(total - i);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
            cal[i] = perm[i];
        }
        return cal;
    }
}
