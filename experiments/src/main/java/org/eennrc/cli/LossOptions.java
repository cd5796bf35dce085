package org.eennrc.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.eennrc.risk.LossMatrix;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where the losses come from, shared by {@code calibrate} and {@code protocol}: a loss matrix
 * ({@code --losses}) or a score matrix whose gap to a reference row is the loss ({@code --scores},
 * {@code --reference-row}), and the declared bound B.
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
    }

    @Option(names = "--reference-row", paramLabel = "R",
            description = "With --scores: the row of the reference run (the full model). Default: 0.")
    Integer referenceRow;

    @Option(names = "--bound", paramLabel = "B", defaultValue = "1",
            description = "Declared upper bound B of the loss (losses lie in [-B, B]). Default: ${DEFAULT-VALUE}.")
    double bound;

    /** A short description of the input, for messages and provenance. */
    String describe() {
        return source.losses != null ? "--losses " + source.losses
                : "--scores " + source.scores + " --reference-row " + referenceRowOrDefault();
    }

    Path file() {
        return source.losses != null ? source.losses : source.scores;
    }

    int referenceRowOrDefault() {
        return referenceRow == null ? 0 : referenceRow;
    }

    /** Reads and validates the losses. */
    LossMatrix load() throws IOException {
        if (!(bound > 0) || !Double.isFinite(bound)) {
            throw new CliException("--bound must be a finite number > 0, got " + bound);
        }
        if (source.losses != null) {
            if (referenceRow != null) throw new CliException("--reference-row only applies with --scores");
            double[][] m = Inputs.readMatrix(source.losses, "--losses");
            Inputs.checkFinite(m, source.losses, "loss");
            return Inputs.lossMatrix(m, bound, source.losses);
        }
        double[][] s = Inputs.readMatrix(source.scores, "--scores");
        Inputs.checkFinite(s, source.scores, "score");
        int r = referenceRowOrDefault();
        if (r < 0 || r >= s.length) {
            throw new CliException("--reference-row " + r + " is outside the " + s.length + " rows of " + source.scores);
        }
        return Inputs.lossMatrix(scoreGap(s, r), bound, source.scores);
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
