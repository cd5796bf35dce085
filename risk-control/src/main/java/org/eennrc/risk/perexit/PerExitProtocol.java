package org.eennrc.risk.perexit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.eennrc.risk.internal.TrialSummary;
import org.eennrc.risk.protocol.ProgressListener;
import org.eennrc.risk.protocol.Protocol;
import org.eennrc.risk.protocol.ProtocolRow;
import org.eennrc.risk.protocol.ProtocolSettings;

/**
 * The evaluation protocol of method.md §5 for per-exit controllers (method.md §7): the same seeded calibration draws
 * as {@link Protocol} ({@link Protocol#drawCalibration}, which depends only on the pool size, n_cal, the seed and the
 * trial), so shared-λ and per-exit controllers are compared on identical splits, and the same columns.
 *
 * <p>Test risk and cost of the chosen configuration are gathered from the tables over the test samples (O(N · L) per
 * trial and ε). The cost of the full model is the last exit's. {@code mean_index} is the mean number of positions
 * along the tested path up to the last rejected one (0 when infeasible).
 */
public final class PerExitProtocol {
    private PerExitProtocol() {}

    /** Rows ordered by controller (as given), then ε (as given). */
    public static List<ProtocolRow> run(ExitTables pool, Configurations configs, List<? extends PerExitController> cs,
            ProtocolSettings settings, ProgressListener progress) {
        int total = pool.numSamples();
        int nCal = settings.nCal();
        if (nCal >= total) {
            throw new IllegalArgumentException("n_cal = " + nCal + " leaves no test samples out of " + total);
        }
        if (cs.isEmpty()) throw new IllegalArgumentException("no per-exit controllers given");
        if (configs.numExits() != pool.numExits()) {
            throw new IllegalArgumentException("configurations are for " + configs.numExits() + " exits, the tables have "
                    + pool.numExits());
        }
        double[] eps = settings.epsilons();
        int nc = cs.size();
        int ne = eps.length;
        int trials = settings.trials();
        int l = pool.numExits();
        double[][][] risk = new double[nc][ne][trials];
        double[][][] cost = new double[nc][ne][trials];
        double[][][] saving = new double[nc][ne][trials];
        int[][][] chosen = new int[nc][ne][trials];
        int[][][] position = new int[nc][ne][trials];
        double full = pool.fullCost();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        IntStream.range(0, trials).parallel().forEach(t -> {
            int[] cal = Protocol.drawCalibration(total, nCal, settings.seed(), t);
            boolean[] inCal = new boolean[total];
            for (int i : cal) inCal[i] = true;
            int[] test = new int[total - nCal];
            for (int i = 0, j = 0; i < total; i++) if (!inCal[i]) test[j++] = i;
            ExitTables calTables = pool.subset(cal);
            double[] th = new double[l - 1];
            for (int c = 0; c < nc; c++) {
                PerExitController.Calibration prepared = cs.get(c).prepare(calTables, configs, settings.delta());
                for (int e = 0; e < ne; e++) {
                    int k = prepared.selectIndex(eps[e]);
                    if (k >= 0) {
                        for (int x = 0; x < l - 1; x++) th[x] = configs.threshold(k, x);
                    } else {
                        java.util.Arrays.fill(th, 1.0);
                    }
                    double ls = 0;
                    double cs2 = 0;
                    for (int i : test) {
                        int ex = pool.exit(i, th, 0);
                        ls += pool.loss(i, ex);
                        cs2 += pool.cost(ex);
                    }
                    risk[c][e][t] = ls / test.length;
                    double mc = cs2 / test.length;
                    cost[c][e][t] = mc;
                    saving[c][e][t] = 1 - mc / full;
                    chosen[c][e][t] = k;
                    position[c][e][t] = prepared.selectPosition(eps[e]);
                }
            }
            progress.trialsDone(done.incrementAndGet(), trials, System.nanoTime() - start);
        });
        List<ProtocolRow> rows = new ArrayList<>(nc * ne);
        for (int c = 0; c < nc; c++) {
            for (int e = 0; e < ne; e++) {
                rows.add(TrialSummary.row(cs.get(c).name(), eps[e], settings.delta(), nCal, risk[c][e], cost[c][e],
                        saving[c][e], chosen[c][e], position[c][e]));
            }
        }
        return rows;
    }
}
