package org.eennrc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.eennrc.risk.io.HeapLimitException;
import picocli.CommandLine;
import org.eennrc.core.Registry;
import org.eennrc.risk.inject.Plugins;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code eenn} command line: risk control for early-exit neural networks on cached losses (method.md §3–§5).
 *
 * <p>Subcommands: {@code calibrate} (pick a certified threshold from a loss matrix), {@code protocol} (the paper's
 * repeated calibration/test evaluation) and {@code controllers} (list the registered controllers). Results go to
 * stdout as JSON lines; progress and errors go to stderr.
 *
 * <p>Plug-ins: before any command runs, the plug-in path ({@code --plugins}, else {@code -Deenn.plugins}, else the
 * environment variable {@code EENN_PLUGINS}) and the class path are searched for {@code EennPlugin} modules, and the
 * resulting {@link Registry} becomes {@link Registry#current()} for the command, so every name lookup sees them.
 * This entry point is the only place that reads that property and variable.
 *
 * <p>Exit codes: 0 success, 1 invalid input (files, values, shapes), 2 command-line usage, 3 internal error.
 */
@Command(name = "eenn",
        mixinStandardHelpOptions = true,
        versionProvider = EennCli.Version.class,
        description = {
            "Early-exit neural networks with statistical risk control.",
            "Pick the most aggressive early-exit threshold whose risk (the performance gap against the full "
                    + "model) is certified to stay below a tolerance epsilon, and evaluate controllers with the "
                    + "paper's protocol (Jazbec et al., NeurIPS 2024).",
            ""},
        subcommands = {CalibrateCommand.class, ProtocolCommand.class, ControllersCommand.class,
            TrainCommand.class, ExportCommand.class, InferCommand.class, org.eennrc.experiments.ReproduceCommand.class,
            CommandLine.HelpCommand.class},
        footerHeading = "%nFiles:%n",
        footer = {
            "  Loss and score files are .npy (2-D, float or integer, C or Fortran order) or .csv",
            "  (one line per threshold): row k is threshold lambda_k from 1.0 (the full",
            "  model) downwards, one column per sample.",
            "",
            "Exit codes: 0 success, 1 invalid input, 2 usage error, 3 internal error.",
            "",
            "Example (the CALM reproduction):",
            "  eenn protocol --scores rouge_l.npy --reference-row 0 \\",
            "      --efficiency mean_exit_layer.npy --controllers naive,crc,ucb-wsr,ltt-fst \\",
            "      --epsilons 0.01:0.19:0.01 --delta 0.1 --n-cal 100 --trials 50 --seed 42 \\",
            "      --out results/calm-ncal100",
            "",
            "Run 'eenn COMMAND --help' for the options of a command."})
public final class EennCli implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_INPUT = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_INTERNAL = 3;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace of errors (for bug reports).")
    boolean verbose;

    /** The environment variable with the plug-in path. */
    public static final String PLUGINS_ENV = "EENN_PLUGINS";
    /** The system property with the plug-in path (for programs that run the CLI in-process). */
    public static final String PLUGINS_PROPERTY = "eenn.plugins";

    @Option(names = "--plugins", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "Plug-in jars, or folders of jars, separated by '${sys:path.separator}'. Each jar lists its "
                    + "Guice module in META-INF/services/org.eennrc.risk.inject.EennPlugin. Wins over "
                    + "-D" + PLUGINS_PROPERTY + ", which wins over the environment variable " + PLUGINS_ENV
                    + "; plug-ins on the class path are always found.")
    String plugins;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        java.util.List<String> names = new java.util.ArrayList<>(spec.subcommands().keySet());
        names.remove("help");
        throw new ParameterException(spec.commandLine(), "missing command: choose one of " + String.join(", ", names));
    }

    public static void main(String[] args) {
        // process-wide settings belong to the entry point, not the library: charts render off-screen, DL4J's
        // oneDNN helpers are on and SameDiff's per-op chatter is kept off stdout (docs/dl4j-notes.md)
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        org.eennrc.models.Dl4jRuntime.configureProcess();
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one command line in-process and returns the exit code (used by {@link #main} and the tests). An
     * {@link OutOfMemoryError} becomes one line of advice and exit code 3: the heap is the JVM's limit, not a bug
     * the user can report, and a stack trace would bury what to do.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        int code = execute(commandLine(out, err), args);
        out.flush();
        err.flush();
        return code;
    }

    /** Executes a configured command line; an {@link OutOfMemoryError} becomes one line on its stderr, exit 3. */
    static int execute(CommandLine cl, String[] args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            String name = cl.getParseResult() == null ? "eenn" : lastCommand(cl.getParseResult()).getCommandSpec().qualifiedName();
            cl.getErr().println(name + ": error: " + oneLine(outOfMemory(e)));
            cl.getErr().flush();
            return EXIT_INTERNAL;
        }
    }

    private static CommandLine lastCommand(ParseResult pr) {
        ParseResult p = pr;
        while (p.subcommand() != null) p = p.subcommand();
        return p.commandSpec().commandLine();
    }

    static String outOfMemory(OutOfMemoryError e) {
        long max = Runtime.getRuntime().maxMemory();
        return "out of memory (" + (e.getMessage() == null ? "OutOfMemoryError" : e.getMessage()) + ") with a maximum "
                + "heap of " + (max / (1L << 20)) + " MiB: the input is too large for this JVM; "
                + HeapLimitException.ADVICE;
    }

    /** The configured picocli command line writing results to {@code out} and messages to {@code err}. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new EennCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setUsageHelpAutoWidth(true);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.setParameterExceptionHandler(EennCli::handleParameterException);
        cl.setExecutionExceptionHandler(EennCli::handleExecutionException);
        cl.setExecutionStrategy(EennCli::executeWithPlugins);
        return cl;
    }

    /**
     * Runs the command with the plug-ins of the plug-in path installed as {@link Registry#current()}, so that every
     * command (and every lookup by name inside the libraries) sees them; the previous registry is restored after.
     */
    private static int executeWithPlugins(ParseResult parseResult) {
        String option = null;
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--plugins")) option = p.matchedOptionValue("--plugins", null);
        }
        PluginPath path = PluginPath.choose(option, System.getProperty(PLUGINS_PROPERTY), System.getenv(PLUGINS_ENV));
        Registry registry;
        try {
            registry = Registry.create(Plugins.load(Plugins.parsePath(path.value()), EennCli.class.getClassLoader()));
        } catch (IllegalArgumentException e) {
            CommandLine last = parseResult.asCommandLineList().get(parseResult.asCommandLineList().size() - 1);
            throw new ExecutionException(last, path.source() + ": " + e.getMessage(),
                    new CliException(path.source() + ": " + e.getMessage(), e));
        }
        Registry before = Registry.setCurrent(registry);
        try {
            return new CommandLine.RunLast().execute(parseResult);
        } finally {
            Registry.setCurrent(before);
        }
    }

    /**
     * The plug-in path and where it came from: {@code --plugins} wins over the system property
     * {@value #PLUGINS_PROPERTY}, which wins over the environment variable {@value #PLUGINS_ENV} (the most specific
     * setting wins; they are not merged). With none, only the class path is searched.
     */
    record PluginPath(String value, String source) {
        static PluginPath choose(String option, String property, String env) {
            if (option != null) return new PluginPath(option, "--plugins");
            if (property != null) return new PluginPath(property, "-D" + PLUGINS_PROPERTY);
            if (env != null) return new PluginPath(env, PLUGINS_ENV);
            return new PluginPath(null, "class path");
        }
    }

    private static int handleParameterException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
        if (isVerbose(cmd.getParseResult())) ex.printStackTrace(err);
        err.flush();
        return EXIT_USAGE;
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        int code;
        String message;
        Throwable cause = rootOfInterest(ex);
        if (cause instanceof OutOfMemoryError oom) {
            code = EXIT_INTERNAL;
            message = outOfMemory(oom);
        } else if (cause instanceof HeapLimitException heap) {
            code = EXIT_INTERNAL;
            message = ex instanceof CliException && ex.getMessage() != null ? ex.getMessage() : heap.getMessage();
        } else if (ex instanceof UsageException) {
            err.println(name + ": " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
            if (isVerbose(parseResult)) ex.printStackTrace(err);
            err.flush();
            return EXIT_USAGE;
        } else if (ex instanceof com.google.inject.ProvisionException
                && cause instanceof IllegalArgumentException iae) {
            // A config error raised while Guice builds the experiment (e.g. an unknown controller): the
            // ConfigException inside already names the file and the key path.
            code = EXIT_INPUT;
            message = iae.getMessage();
        } else if (ex instanceof CliException || ex instanceof IllegalArgumentException) {
            code = EXIT_INPUT;
            message = ex.getMessage();
        } else if (ex instanceof IOException io) {
            code = EXIT_INPUT;
            message = describe(io);
        } else if (ex instanceof UncheckedIOException uio) {
            code = EXIT_INPUT;
            message = describe(uio.getCause());
        } else {
            code = EXIT_INTERNAL;
            message = "internal error: " + ex + " (rerun with --verbose and report it)";
        }
        err.println(name + ": error: " + oneLine(message));
        if (isVerbose(parseResult)) ex.printStackTrace(err);
        err.flush();
        return code;
    }

    /**
     * The cause that decides how an error is reported: an {@link OutOfMemoryError} or a {@link HeapLimitException}
     * anywhere in the chain (e.g. wrapped by a parallel executor or by a CliException naming the option), else,
     * under Guice's ProvisionException, the first cause that is not Guice's.
     */
    private static Throwable rootOfInterest(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError || t instanceof HeapLimitException) return t;
            if (t.getCause() == t) break;
        }
        Throwable t = ex;
        while (t instanceof com.google.inject.ProvisionException && t.getCause() != null) t = t.getCause();
        return t;
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException f && f.getReason() == null) return "file not found: " + f.getFile();
        if (e instanceof AccessDeniedException f && f.getReason() == null) return "permission denied: " + f.getFile();
        if (e instanceof FileSystemException f && f.getMessage() != null) return f.getMessage();
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "(no message)" : s.replace('\n', ' ').replace('\r', ' ');
    }

    private static boolean isVerbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) return true;
        }
        return false;
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = EennCli.class.getPackage().getImplementationVersion();
            return new String[] {"eenn " + (v == null ? "0.1.0-SNAPSHOT" : v),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
