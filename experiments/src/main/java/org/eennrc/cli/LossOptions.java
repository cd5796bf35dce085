package org.eennrc.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.core.LossMatrixBuilder;
import org.eennrc.core.MonotonicityDiagnostic;
import org.eennrc.core.Risk;
import org.eennrc.core.Registry;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.LossMatrix;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where the losses come from, shared by {@code calibrate} and {@code protocol}: a loss matrix
 * ({@code --losses}), a score matrix whose gap to a reference row is the loss ({@code --scores},
 * {@code --reference-row}), or the per-exit outputs of a model ({@code --outputs}, the interchange .npz of
 * docs/interchange-format.md) with a risk and a confidence measure, from which the loss matrix is built on the
 * standard grid λ = 1.00, 0.99, …, 0.00.
 */
public final class LossOptions {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--losses", paramLabel = "FILE",
                description = "Loss matrix loss[k][i] (.npy or .csv): row k is threshold lambda_k from 1.0 "
                        + "(full model) downwards, one column per sample. Losses must lie in [-B, B].")
        Path losses;

        @Option(names = "--scores", paramLabel = "FILE",
                description = "Score matrix score[k][i] (higher is better, e.g. ROUGE-L); the loss is the score "
                        + "gap score[R][i] - score[k][i] against the reference row R.")
        Path scores;

        @Option(names = "--outputs", paramLabel = "FILE.npz",
                description = "Per-exit outputs of a model (logits or probs (N, L, C), optional labels, flops, "
                        + "confidence); needs --risk. The grid is 1.00, 0.99, ..., 0.00.")
        Path outputs;
    }

    @Option(names = "--reference-row", paramLabel = "R",
            description = "With --scores: the row of the reference run (the full model). Default: 0.")
    Integer referenceRow;

    @Option(names = "--bound", paramLabel = "B",
            description = "Declared upper bound B of the loss (losses lie in [-B, B]). Default: 1. With --outputs "
                    + "the risk declares its own bound.")
    Double bound;

    @Option(names = "--risk", paramLabel = "NAME",
            description = "With --outputs: prediction-gap, brier-gap, prediction-consistency, brier-consistency, "
                    + "hellinger-consistency (method.md §2), or a plug-in's risk.")
    String risk;

    @Option(names = "--confidence", paramLabel = "NAME",
            description = "With --outputs: max-softmax (default), top-diff, entropy, provided (the file's "
                    + "'confidence' array), or a plug-in's measure.")
    String confidence;

    @Option(names = "--transposed-ok",
            description = "Accept a --losses/--scores matrix with more rows (thresholds) than columns (samples) "
                    + "without --lambdas or --efficiency to confirm its orientation.")
    boolean transposedOk;

    /** The losses, and with --outputs also the grid, the risk and the builder (for efficiency and policies). */
    record Loaded(LossMatrix losses, LambdaGrid grid, Risk risk, LossMatrixBuilder builder) {
        boolean fromOutputs() {
            return builder != null;
        }
    }

    /** A short description of the input, for messages and provenance. */
    String describe() {
        if (source.outputs != null) return "--outputs " + source.outputs + " --risk " + risk;
        return source.losses != null ? "--losses " + source.losses
                : "--scores " + source.scores + " --reference-row " + referenceRowOrDefault();
    }

    /** How messages refer to the input's samples and thresholds: "the outputs", "the losses" or "the scores". */
    String noun() {
        return "the " + kind();
    }

    /**
     * Guards against a transposed matrix (samples × thresholds), which would otherwise be certified silently:
     * the rows are read as thresholds from λ = 1 down (method.md §4).
     *
     * <ul>
     *   <li>Warns when row 0 of --losses is not all zero: row 0 is λ = 1, the full model, whose gap to itself
     *       is 0 for every risk of method.md §2 (consistency risks by definition).</li>
     *   <li>Refuses a matrix with more rows than columns unless something confirms the rows are thresholds:
     *       {@code confirmed} (a --lambdas or --efficiency file whose length was checked against the rows) or
     *       --transposed-ok. Few samples and many thresholds is possible, but far more often a transpose.</li>
     * </ul>
     *
     * @return the warnings, one per line, for stderr
     */
    java.util.List<String> checkOrientation(Loaded loaded, boolean confirmed) {
        if (loaded.fromOutputs()) return java.util.List.of();
        LossMatrix m = loaded.losses();
        String option = "--" + kind();
        int rows = m.numLambdas();
        int cols = m.numSamples();
        if (rows > cols && !confirmed && !transposedOk) {
            throw new CliException(option + " " + file() + " has " + rows + " rows (thresholds) and " + cols
                    + " columns (samples): more thresholds than samples usually means a transposed matrix (rows "
                    + "must be thresholds from lambda = 1 down, columns samples). Transpose it (np.save(f, a.T)), "
                    + "confirm the rows with --lambdas or --efficiency, or pass --transposed-ok");
        }
        java.util.List<String> warnings = new java.util.ArrayList<>();
        if (source.losses != null) {
            int nonZero = 0;
            for (int i = 0; i < cols; i++) if (m.get(0, i) != 0) nonZero++;
            if (nonZero > 0) {
                warnings.add("row 0 of --losses is lambda = 1 (the full model), whose gap to the full model is 0 for "
                        + "every risk of method.md \u00a72, but " + nonZero + " of its " + cols + " losses are not 0; "
                        + "rows must be thresholds from lambda = 1 down and columns samples: is the matrix transposed, "
                        + "or are these losses not relative to the full model?");
            }
        }
        return warnings;
    }

    /** Which option gave the input: losses, scores or outputs. */
    String kind() {
        return source.outputs != null ? "outputs" : source.losses != null ? "losses" : "scores";
    }

    Path file() {
        return source.outputs != null ? source.outputs : source.losses != null ? source.losses : source.scores;
    }

    int referenceRowOrDefault() {
        return referenceRow == null ? 0 : referenceRow;
    }

    /** Reads and validates the losses of a loss or score file. */
    LossMatrix load() throws IOException {
        return loadAll().losses();
    }

    /** Reads and validates the input. */
    Loaded loadAll() throws IOException {
        if (source.outputs != null) return loadOutputs();
        if (risk != null || confidence != null) {
            throw new CliException("--risk and --confidence only apply with --outputs");
        }
        double b = bound == null ? 1.0 : bound;
        if (!(b > 0) || !Double.isFinite(b)) {
            throw new CliException("--bound must be a finite number > 0, got " + b);
        }
        if (source.losses != null) {
            if (referenceRow != null) throw new CliException("--reference-row only applies with --scores");
            double[][] m = Inputs.readMatrix(source.losses, "--losses");
            Inputs.checkFinite(m, source.losses, "loss");
            return new Loaded(Inputs.lossMatrix(m, b, source.losses), null, null, null);
        }
        double[][] s = Inputs.readMatrix(source.scores, "--scores");
        Inputs.checkFinite(s, source.scores, "score");
        int r = referenceRowOrDefault();
        if (r < 0 || r >= s.length) {
            throw new CliException("--reference-row " + r + " is outside the " + s.length + " rows of " + source.scores);
        }
        return new Loaded(Inputs.lossMatrix(scoreGap(s, r), b, source.scores), null, null, null);
    }

    /** The outputs of {@code --outputs} with the risk and confidence measure named on the command line. */
    record OutputsInput(Path file, ExitOutputs outputs, Risk risk, ConfidenceMeasure measure) {}

    /**
     * Reads {@code --outputs} and resolves {@code --risk} and {@code --confidence} in {@link Registry#current()}
     * (built-ins and plug-ins); the other input options must be absent.
     */
    OutputsInput loadOutputsInput() throws IOException {
        Path file = source.outputs;
        if (file == null) throw new CliException("this needs --outputs");
        Registry registry = Registry.current();
        if (risk == null) {
            throw new CliException("--outputs needs --risk; known: " + String.join(", ", registry.riskNames()));
        }
        if (bound != null) throw new CliException("--bound does not apply with --outputs: the risk declares its bound");
        if (referenceRow != null) throw new CliException("--reference-row only applies with --scores");
        Risk r;
        ConfidenceMeasure m;
        try {
            r = registry.risk(risk);
            m = registry.confidence(confidence == null ? ConfidenceMeasures.DEFAULT : confidence);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
        Inputs.requireFile(file, "--outputs");
        try {
            return new OutputsInput(file, ExitOutputsNpz.read(file), r, m);
        } catch (IOException | IllegalArgumentException e) {
            String msg = Inputs.messageOf(e);
            if (msg.startsWith(file + ": ")) msg = msg.substring(file.toString().length() + 2); // named once
            throw new CliException("--outputs " + file + ": " + msg, e);
        }
    }

    private Loaded loadOutputs() throws IOException {
        OutputsInput in = loadOutputsInput();
        try {
            LossMatrixBuilder builder = new LossMatrixBuilder(in.outputs(), in.measure(), LambdaGrid.standard());
            return new Loaded(builder.build(in.risk()), builder.grid(), in.risk(), builder);
        } catch (IllegalArgumentException e) {
            throw new CliException("--outputs " + in.file() + ": " + e.getMessage(), e);
        }
    }

    /** Marginal-monotonicity warnings (method.md §3) for outputs-based losses, one per line, for stderr. */
    static java.util.List<String> monotonicityWarnings(Loaded loaded) {
        if (!loaded.fromOutputs()) return java.util.List.of();
        return MonotonicityDiagnostic.of(loaded.builder(), loaded.risk()).warnings();
    }

    /** loss[k][j] = scores[r][j] - scores[k][j]. */
    static double[][] scoreGap(double[][] scores, int r) {
        double[] ref = scores[r];
        double[][] out = new double[scores.length][ref.length];
        for (int k = 0; k < scores.length; k++) {
            double[] row = scores[k];
            for (int j = 0; j < ref.length; j++) out[k][j] = ref[j] - row[j];
        }
        return out;
    }
}
