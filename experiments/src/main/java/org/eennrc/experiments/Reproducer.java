package org.eennrc.experiments;

import com.google.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eennrc.experiments.ExperimentModule.ConfiguredControllers;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.experiments.data.ExperimentData;
import org.eennrc.experiments.data.RiskInput;
import org.eennrc.core.Registry;
import org.eennrc.risk.Guarantee;
import org.eennrc.core.PermutationBaselines;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.perexit.Configurations;
import org.eennrc.risk.perexit.ParetoTesting;
import org.eennrc.risk.perexit.PerExitProtocol;
import org.eennrc.risk.protocol.ProgressListener;
import org.eennrc.risk.protocol.SelectionListener;
import org.eennrc.risk.protocol.Protocol;
import org.eennrc.risk.protocol.ProtocolRow;
import org.eennrc.risk.protocol.ProtocolSettings;

/** Runs the evaluation protocol (method.md §5) for every configured risk × n_cal, all controllers and the ε grid. */
public final class Reproducer {
    private final ExperimentConfig config;
    private final ExperimentData data;
    private final ConfiguredControllers controllers;

    @Inject
    public Reproducer(ExperimentConfig config, ExperimentData data, ConfiguredControllers controllers) {
        this.config = config;
        this.data = data;
        this.controllers = controllers;
    }

    /**
     * One protocol run: a risk at one calibration size; rows ordered by controller (config order), then ε; the
     * permutation baselines in the same order when the config asks for them (else empty).
     */
    public record Run(String risk, int nCal, List<ProtocolRow> rows, double seconds, List<BaselineRow> baselines) {
        public Run(String risk, int nCal, List<ProtocolRow> rows, double seconds) {
            this(risk, nCal, rows, seconds, List.of());
        }
    }

    /**
     * The permutation baselines (method.md §6) of one controller at one ε: each a mean over the trials of the test
     * risk and test cost at the threshold the controller selected in that trial.
     */
    public record BaselineRow(String controller, double epsilon, double realRisk, double realCost, double randomRisk,
                              double randomCost, double permutedRisk, double permutedCost, double constantRisk,
                              double constantCost) {}

    /** Everything a report needs. */
    public record Results(ExperimentConfig config, List<String> controllerNames, Map<String, Guarantee> guarantees,
                          List<RiskInput> inputs, List<Run> runs, Map<String, Object> dataProvenance,
                          Map<String, Double> timings, Instant started, Instant finished,
                          List<org.eennrc.experiments.data.ReportSection> sections) {}

    public Results run(ExperimentData.Log log) throws Exception {
        Instant started = Instant.now();
        Map<String, Double> timings = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        List<RiskInput> inputs = data.load(config.risks, log);
        timings.put("load_and_build_losses_s", (System.nanoTime() - t0) / 1e9);
        ExperimentConfig.ProtocolConfig p = config.protocol;
        List<String> names = new ArrayList<>(controllers.names());
        Map<String, Guarantee> guarantees = new LinkedHashMap<>();
        controllers.byName().forEach((n, c) -> guarantees.put(n, c.guarantee()));
        ExperimentConfig.PerExitConfig pe = config.perExit;
        List<ParetoTesting> perExit = new ArrayList<>();
        if (pe != null) {
            ControllerRegistry registry = Registry.current().controllers();
            for (String n : pe.controllers) perExit.add(registry.perExit(n.trim(), pe.splitFraction, pe.seed));
            for (ParetoTesting c : perExit) {
                names.add(c.name());
                guarantees.put(c.name(), c.guarantee());
            }
        }
        List<Run> runs = new ArrayList<>();
        String where = String.valueOf(config.source);
        for (RiskInput in : inputs) {
            for (String w : in.warnings()) log.info("warning (" + in.risk() + "): " + w);
            for (int nCal : p.nCal.values()) {
                if (nCal >= in.losses().numSamples()) {
                    throw new ConfigException(where, "protocol.n_cal", nCal + " leaves no test samples: the data has "
                            + in.losses().numSamples() + " samples");
                }
                ProtocolSettings s = new ProtocolSettings(p.epsilons.values(), p.delta, nCal, p.trials, p.seed);
                long t1 = System.nanoTime();
                String label = in.risk() + ", n_cal " + nCal;
                boolean baselines = Boolean.TRUE.equals(p.baselines);
                if (baselines && in.exits() == null) {
                    throw new ConfigException(where, "protocol.baselines", "risk " + in.risk() + " has no per-sample"
                            + " exits to permute");
                }
                // the baselines permute the exits of the shared-threshold controllers only
                Baselines acc = baselines ? new Baselines(in.exits(), controllers.names().size(), s) : null;
                List<ProtocolRow> rows = new ArrayList<>(Protocol.run(in.losses(), in.efficiency(), controllers.list(),
                        s, progress(log, label), acc != null ? acc : SelectionListener.NONE));
                if (!perExit.isEmpty()) {
                    if (in.perExit() == null) {
                        throw new ConfigException(where, "per_exit", "the data of risk " + in.risk() + " carry no "
                                + "per-exit tables (cached scores); per-exit controllers need per-exit outputs");
                    }
                    Configurations family = Configurations.of(pe.grid.values(),
                            in.perExit().numExits(), pe.configurations, pe.seed);
                    log.info(String.format(Locale.ROOT, "per-exit %s: %d configurations (%s)", label, family.size(),
                            family.description()));
                    rows.addAll(PerExitProtocol.run(in.perExit(), family, perExit, s, progress(log, label + ", per-exit")));
                }
                double secs = (System.nanoTime() - t1) / 1e9;
                log.info(String.format(Locale.ROOT, "protocol %s: %d controllers x %d epsilons x %d trials in %.2f s",
                        label, names.size(), p.epsilons.values().length, p.trials, secs));
                timings.merge("protocol_s", secs, Double::sum);
                // rows carry r.controller() = the controller's name(), which the registry keeps equal to its key
                runs.add(new Run(in.risk(), nCal, rows, secs, acc != null ? acc.rows(controllers.names()) : List.of()));
            }
        }
        return new Results(config, names, guarantees, inputs, runs, data.provenance(), timings, started, Instant.now(),
                data.reportSections());
    }

    /**
     * Evaluates the permutation baselines at every selection of the protocol, into slots indexed by
     * (controller, ε, trial), so the parallel trials never share one. Each draw is seeded by (seed, trial, controller,
     * ε), so the numbers do not depend on the number of threads.
     */
    private static final class Baselines implements SelectionListener {
        private final RiskInput.Exits exits;
        private final ProtocolSettings settings;
        private final double[][][][] values;
        private final int[][] tests;
        private final int total;

        Baselines(RiskInput.Exits exits, int controllers, ProtocolSettings settings) {
            this.exits = exits;
            this.settings = settings;
            this.values = new double[controllers][settings.epsilons().length][settings.trials()][];
            this.tests = new int[settings.trials()][];
            this.total = exits.table().numSamples();
        }

        @Override
        public void selected(int trial, int controller, int epsilon, int index, int[] calibration) {
            int[] test = tests[trial]; // written and read only by the thread running this trial
            if (test == null) {
                boolean[] inCal = new boolean[total];
                for (int i : calibration) inCal[i] = true;
                test = new int[total - calibration.length];
                int j = 0;
                for (int i = 0; i < total; i++) if (!inCal[i]) test[j++] = i;
                tests[trial] = test;
            }
            int k = Math.max(index, 0);
            int[] chosen = new int[test.length];
            for (int j = 0; j < test.length; j++) chosen[j] = exits.table().exit(k, test[j]);
            long seed = settings.seed() * 0x9E3779B97F4A7C15L + trial * 0xBF58476D1CE4E5B9L
                    + controller * 0x94D049BB133111EBL + epsilon + 7;
            PermutationBaselines b = PermutationBaselines.of(test, chosen, exits.perExitLoss(), exits.costPerExit(),
                    seed);
            values[controller][epsilon][trial] = new double[] {b.realRisk(), b.realCost(), b.randomRisk(),
                b.randomCost(), b.permutedRisk(), b.permutedCost(), b.constantRisk(), b.constantCost()};
        }

        List<BaselineRow> rows(List<String> controllerNames) {
            List<BaselineRow> out = new ArrayList<>();
            double[] eps = settings.epsilons();
            for (int c = 0; c < values.length; c++) {
                for (int e = 0; e < eps.length; e++) {
                    double[] m = new double[8];
                    for (double[] v : values[c][e]) for (int q = 0; q < 8; q++) m[q] += v[q] / values[c][e].length;
                    out.add(new BaselineRow(controllerNames.get(c), eps[e], m[0], m[1], m[2], m[3], m[4], m[5], m[6],
                            m[7]));
                }
            }
            return out;
        }
    }

    private static ProgressListener progress(ExperimentData.Log log, String label) {
        return new ProgressListener() {
            private long last = -1;

            @Override
            public synchronized void trialsDone(int done, int total, long elapsedNanos) {
                if (elapsedNanos < 2_000_000_000L || (last >= 0 && elapsedNanos - last < 5_000_000_000L && done < total)) return;
                last = elapsedNanos;
                log.info(String.format(Locale.ROOT, "  %s: %d/%d trials, %.0f s", label, done, total, elapsedNanos / 1e9));
            }
        };
    }
}
