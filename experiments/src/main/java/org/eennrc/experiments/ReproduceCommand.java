package org.eennrc.experiments;

import com.google.inject.Injector;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eennrc.experiments.config.ConfigLoader;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.experiments.data.RunOptions;
import org.eennrc.risk.provenance.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code eenn reproduce [CONFIG] [--out DIR]}: reads an experiment config, wires it with Guice
 * ({@link ExperimentModule}), trains or reuses the model when the experiment has one, runs the evaluation protocol
 * for every risk × controller × n_cal, and writes a report folder (CSV, JSON, PNG figures, report.md).
 */
@Command(name = "reproduce",
        header = "Run an experiment config end to end and write a report folder with figures.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Reads CONFIG (YAML or JSON; see docs/user-guide.md), trains or reuses the model when the experiment has "
                    + "one, runs the evaluation protocol for every configured risk, controller and n_cal, and writes "
                    + "into --out: results.csv, results.json, provenance.json, the config, one PNG per risk and n_cal "
                    + "(test risk, violation rate, cost and saving against epsilon) and report.md.",
            "With no CONFIG it runs the vision pipeline, configs/fashion-mnist-resnet.yaml.",
            ""},
        footer = {"", "Examples:",
            "  eenn reproduce                                  # Fashion-MNIST ResNet: train, export, control",
            "  eenn reproduce configs/calm-cnndm.yaml --out docs/reports/calm-cnndm",
            "  eenn reproduce configs/outputs.yaml             # any interchange .npz"})
public final class ReproduceCommand implements Callable<Integer> {
    static final String DEFAULT_CONFIG = "configs/fashion-mnist-resnet.yaml";

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
            description = "Experiment config (.yaml/.yml/.json). Default: " + DEFAULT_CONFIG + ".")
    Path config;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Report folder, written whole (beside it, then moved into place). It must be new or empty; "
                    + "an earlier report is replaced only with --force. Default: reports/<name>.")
    Path out;

    @Option(names = "--force",
            description = "Replace the report folder of an earlier run (only a folder that eenn wrote and that holds "
                    + "nothing else).")
    boolean force;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Trained-model cache (overrides model.cache_dir; default ~/.cache/eenn-rc/models).")
    Path cacheDir;

    @Option(names = "--retrain", description = "Train even when a cached model with the same config hash exists.")
    boolean retrain;

    @Option(names = "--quiet", description = "No progress messages on stderr.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> args = spec.root().commandLine().getParseResult() == null ? List.of()
                : spec.root().commandLine().getParseResult().originalArgs();
        Provenance.Builder provenance = Provenance.start("reproduce", args);
        PrintWriter err = spec.commandLine().getErr();
        Path file = config != null ? config : defaultConfig();
        ExperimentConfig cfg = ConfigLoader.load(file);
        Path dir = out != null ? out : Path.of("reports", cfg.name);
        org.eennrc.cli.Outputs.checkFolder(dir, force, "--out"); // before minutes of training and trials
        Injector injector = ExperimentModule.injector(cfg, new RunOptions(cacheDir, retrain));
        Reproducer reproducer = injector.getInstance(Reproducer.class);
        long t0 = System.nanoTime();
        org.eennrc.experiments.data.ExperimentData.Log log = quiet ? line -> {} : line -> {
            err.println(String.format(Locale.ROOT, "eenn reproduce [%5.1fs] %s", (System.nanoTime() - t0) / 1e9, line));
            err.flush();
        };
        log.info("experiment " + cfg.name + " from " + file);
        Reproducer.Results res;
        try {
            res = reproducer.run(log);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            // eenn-models reports missing data and unreadable models this way; as for train/export/infer
            // (ModelOptions.modelCall), that is invalid input, not an internal error.
            String msg = e.getMessage() != null ? e.getMessage() : e.toString();
            if (e instanceof java.io.UncheckedIOException u && u.getCause() != null && u.getCause().getMessage() != null
                    && !msg.contains(u.getCause().getMessage())) {
                msg = msg + ": " + u.getCause().getMessage();
            }
            throw new org.eennrc.cli.CliException(msg, e);
        }
        List<String> files = ReportWriter.write(dir, force, res, provenance);
        log.info("wrote " + files.size() + " files to " + dir + " (open " + dir.resolve("report.md") + ")");
        PrintWriter o = spec.commandLine().getOut();
        o.println(dir.resolve("report.md"));
        o.flush();
        return 0;
    }

    /** configs/fashion-mnist-resnet.yaml in the working directory, else next to the installed project. */
    static Path defaultConfig() {
        Path p = Path.of(DEFAULT_CONFIG);
        if (Files.exists(p)) return p;
        try {
            Path jar = Path.of(ReproduceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // experiments/target/<jar or classes> → project root
            Path root = jar.getParent().getParent().getParent();
            Path q = root.resolve(DEFAULT_CONFIG);
            if (Files.exists(q)) return q;
        } catch (Exception e) {
            // fall through
        }
        return p;
    }
}
