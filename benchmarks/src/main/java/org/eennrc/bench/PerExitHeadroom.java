package org.eennrc.bench;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.core.PerExitCalibrator;
import org.eennrc.core.Risks;
import org.eennrc.risk.perexit.ConfigurationStats;
import org.eennrc.risk.perexit.Configurations;
import org.eennrc.risk.perexit.ExitTables;
import org.eennrc.risk.protocol.ProtocolSettings;

/**
 * How much per-exit thresholds could save at best (docs/per-exit-thresholds.md): on all samples of the outputs (an
 * oracle that sees the data it is judged on, not a controller), the largest relative saving of any configuration of
 * the per-exit family whose risk is ≤ ε, against the same for the shared-λ diagonal of the grid 0, 0.01, …, 1. The
 * gap is the most a certified per-exit controller could gain over a shared one on these outputs.
 *
 * <pre>
 * java -cp $CP org.eennrc.bench.PerExitHeadroom --outputs outputs-test.npz [--risk prediction-gap]
 *     [--grid 0:1:0.05] [--configurations 10000] [--epsilons 0.01:0.19:0.01]
 * </pre>
 */
public final class PerExitHeadroom {
    private static final Set<String> OPTIONS = Set.of("outputs", "risk", "grid", "configurations", "epsilons", "seed");

    private PerExitHeadroom() {}

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, OPTIONS);
        ExitOutputs out = ExitOutputsNpz.read(Path.of(a.get("outputs", "outputs.npz")));
        ExitTables t = PerExitCalibrator.tables(out, Risks.byName(a.get("risk", "prediction-gap")),
                ConfidenceMeasures.byName("max-softmax"));
        Configurations family = Configurations.of(ProtocolSettings.parseGrid(a.get("grid", "0:1:0.05")),
                t.numExits(), a.getInt("configurations", 10_000), a.getInt("seed", 0));
        double[] fine = new double[101];
        for (int i = 0; i <= 100; i++) fine[i] = i / 100.0;
        double[][] diag = new double[101][t.numExits() - 1];
        for (int i = 0; i <= 100; i++) java.util.Arrays.fill(diag[i], fine[i]);
        Configurations shared = Configurations.of(diag, t.numExits());
        long t0 = System.nanoTime();
        ConfigurationStats pe = ConfigurationStats.of(t, family);
        ConfigurationStats sh = ConfigurationStats.of(t, shared);
        System.out.printf(Locale.ROOT, "# %s: N=%d, L=%d, %d per-exit configurations (%s), 101 shared; %.2f s%n",
                a.get("outputs", ""), t.numSamples(), t.numExits(), family.size(), family.description(),
                (System.nanoTime() - t0) / 1e9);
        System.out.println("epsilon,best_shared_saving,best_per_exit_saving,gain");
        for (double eps : ProtocolSettings.parseGrid(a.get("epsilons", "0.01:0.19:0.01"))) {
            double s = best(sh, eps, t.fullCost());
            double p = best(pe, eps, t.fullCost());
            System.out.printf(Locale.ROOT, "%.3f,%.4f,%.4f,%.4f%n", eps, s, p, p - s);
        }
    }

    private static double best(ConfigurationStats s, double eps, double full) {
        double best = 0;
        for (int m = 0; m < s.risk().length; m++) {
            if (s.risk()[m] <= eps) best = Math.max(best, 1 - s.cost()[m] / full);
        }
        return best;
    }
}
