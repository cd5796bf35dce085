package org.eennrc.cli;

import java.util.ArrayList;
import java.util.List;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.perexit.Configurations;
import org.eennrc.risk.perexit.ParetoTesting;
import org.eennrc.risk.protocol.ProtocolSettings;
import picocli.CommandLine.Option;

/**
 * The options of per-exit thresholds (docs/method.md §7) shared by {@code eenn calibrate} and {@code eenn protocol}:
 * the family of configurations and the Pareto Testing split.
 */
final class PerExitOptions {

    @Option(names = "--per-exit",
            description = "One threshold per exit (method.md §7): the pareto-ltt controllers choose them from a family "
                    + "of configurations with Pareto Testing. Needs --outputs.")
    boolean perExit;

    @Option(names = "--grid", paramLabel = "GRID", defaultValue = "0:1:0.05",
            description = "With --per-exit: the values each exit's threshold takes, start:stop:step or a comma list, "
                    + "in [0, 1]. Default: ${DEFAULT-VALUE}.")
    String grid;

    @Option(names = "--configurations", paramLabel = "M", defaultValue = "10000",
            description = "With --per-exit: the product of the grid over the L-1 thresholds when it has at most M "
                    + "configurations, else a seeded quasi-random sample of M plus the shared-threshold diagonal. "
                    + "Default: ${DEFAULT-VALUE}.")
    int configurations;

    @Option(names = "--split-fraction", paramLabel = "F", defaultValue = "0.5",
            description = "With --per-exit: the fraction of the calibration set that chooses the Pareto front; the rest "
                    + "tests it. Default: ${DEFAULT-VALUE}.")
    double split;

    @Option(names = "--per-exit-seed", paramLabel = "S", defaultValue = "0",
            description = "With --per-exit: the seed of the split and of the sampled configurations. "
                    + "Default: ${DEFAULT-VALUE}.")
    long seed;

    /** Whether any option of this group was given with a non-default value but --per-exit was not. */
    void checkUsage(List<String> perExitNames) {
        if (!perExit && !perExitNames.isEmpty()) {
            throw new UsageException("controller(s) " + String.join(", ", perExitNames) + " choose one threshold per "
                    + "exit; add --per-exit");
        }
        if (!perExit && (!"0:1:0.05".equals(grid) || configurations != 10000 || split != 0.5 || seed != 0)) {
            throw new UsageException("--grid, --configurations, --split-fraction and --per-exit-seed need --per-exit");
        }
        if (perExit && perExitNames.isEmpty()) {
            throw new UsageException("--per-exit needs a per-exit controller (e.g. pareto-ltt)");
        }
        if (!(split > 0 && split < 1)) throw new UsageException("--split-fraction must be in (0, 1), got " + split);
        if (configurations < 1) throw new UsageException("--configurations must be >= 1, got " + configurations);
    }

    /** The configuration family for outputs with {@code numExits} exits. */
    Configurations family(int numExits) {
        double[] g;
        try {
            g = ProtocolSettings.parseGrid(grid);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--grid: " + e.getMessage());
        }
        try {
            return Configurations.of(g, numExits, configurations, seed);
        } catch (IllegalArgumentException e) {
            throw new CliException("--grid " + grid + ": " + e.getMessage());
        }
    }

    /** The names among {@code names} (comma lists allowed) that are per-exit controllers. */
    static List<String> perExitNames(ControllerRegistry registry, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            for (String part : n.split(",")) {
                if (!part.isBlank() && registry.isPerExit(part.trim())) out.add(part.trim());
            }
        }
        return out;
    }

    /** The names that are not per-exit controllers. */
    static List<String> sharedNames(ControllerRegistry registry, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            for (String part : n.split(",")) {
                if (!part.isBlank() && !registry.isPerExit(part.trim())) out.add(part.trim());
            }
        }
        return out;
    }

    List<ParetoTesting> controllers(ControllerRegistry registry, List<String> names) {
        List<ParetoTesting> out = new ArrayList<>();
        for (String n : names) out.add(registry.perExit(n, split, seed));
        return out;
    }
}
