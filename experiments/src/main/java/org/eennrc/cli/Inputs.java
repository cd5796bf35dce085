package org.eennrc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.eennrc.risk.Checks;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.io.MatrixFiles;
import org.eennrc.risk.io.Npy;
import org.eennrc.risk.io.NpyArray;
import org.eennrc.risk.protocol.EfficiencyTable;
import org.eennrc.risk.protocol.ProtocolSettings;

/** Reading and checking the CLI's inputs, with messages that name the option, the file and the problem. */
final class Inputs {
    private Inputs() {}

    static void requireFile(Path file, String option) {
        if (!Files.exists(file)) throw new CliException(option + ": file not found: " + file);
        if (Files.isDirectory(file)) throw new CliException(option + ": " + file + " is a directory, not a file");
        if (!Files.isReadable(file)) throw new CliException(option + ": permission denied: " + file);
    }

    /** A file or a folder (a model can be either). */
    static void requireExists(Path path, String option) {
        if (!Files.exists(path)) throw new CliException(option + ": not found: " + path);
    }

    static double[][] readMatrix(Path file, String option) throws IOException {
        requireFile(file, option);
        try {
            return MatrixFiles.readMatrix(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(option + ": " + messageOf(e), e);
        }
    }

    static double[] readVector(Path file, String option) throws IOException {
        requireFile(file, option);
        try {
            return MatrixFiles.readVector(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(option + ": " + messageOf(e), e);
        }
    }

    /** NaN or Inf anywhere is an error naming the entry. */
    static void checkFinite(double[][] m, Path file, String what) {
        for (int k = 0; k < m.length; k++) {
            for (int i = 0; i < m[k].length; i++) {
                if (!Double.isFinite(m[k][i])) {
                    throw new CliException(file + ": " + what + "[" + k + "][" + i + "] is " + m[k][i] + " (NaN or Inf)");
                }
            }
        }
    }

    /** Validates the range [-B, B] and the shape; messages name the file and point at --bound. */
    static LossMatrix lossMatrix(double[][] losses, double bound, Path file) {
        try {
            return LossMatrix.of(losses, bound);
        } catch (IllegalArgumentException e) {
            String hint = e.getMessage() != null && e.getMessage().contains("bound") ? " (declare a larger --bound?)" : "";
            throw new CliException(file + ": " + e.getMessage() + hint, e);
        }
    }

    /** The threshold grid of --lambdas: one value per loss row, strictly decreasing. */
    static LambdaGrid lambdas(Path file, int numLambdas) throws IOException {
        double[] v = readVector(file, "--lambdas");
        if (v.length != numLambdas) {
            throw new CliException("--lambdas " + file + " has " + v.length + " values but the losses have "
                    + numLambdas + " thresholds (rows)");
        }
        try {
            return LambdaGrid.of(v);
        } catch (IllegalArgumentException e) {
            throw new CliException("--lambdas " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cost per threshold: a 1-D file gives one value per λ, a 2-D file one value per λ and sample. A CSV with
     * a single line, or with one value per line, is 1-D.
     */
    static EfficiencyTable efficiency(Path file, LossMatrix losses) throws IOException {
        return efficiency(file, losses, "the losses");
    }

    /** As {@link #efficiency(Path, LossMatrix)}; {@code source} names where the losses came from in messages. */
    static EfficiencyTable efficiency(Path file, LossMatrix losses, String source) throws IOException {
        requireFile(file, "--efficiency");
        EfficiencyTable table;
        try {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".npy")) {
                NpyArray a = Npy.read(file);
                if (a.ndim() == 1) {
                    table = EfficiencyTable.perLambda(a.toDoubleArray());
                } else if (a.ndim() == 2) {
                    table = EfficiencyTable.perSample(a.toDoubleMatrix());
                } else {
                    throw new CliException("--efficiency " + file + ": expected a 1-D (per threshold) or 2-D (per "
                            + "threshold and sample) array, got shape " + Arrays.toString(a.shape()));
                }
            } else {
                double[][] m = MatrixFiles.readMatrix(file);
                if (m.length == 1) {
                    table = EfficiencyTable.perLambda(m[0]);
                } else if (Arrays.stream(m).allMatch(r -> r.length == 1)) {
                    table = EfficiencyTable.perLambda(Arrays.stream(m).mapToDouble(r -> r[0]).toArray());
                } else {
                    table = EfficiencyTable.perSample(m);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("--efficiency " + file + ": " + messageOf(e), e);
        }
        if (table.numLambdas() != losses.numLambdas()) {
            throw new CliException("--efficiency " + file + " has " + table.numLambdas()
                    + " thresholds (rows) but " + source + " have " + losses.numLambdas());
        }
        if (table.isPerSample() && table.numSamples() != losses.numSamples()) {
            throw new CliException("--efficiency " + file + " has " + table.numSamples()
                    + " samples (columns) but " + source + " have " + losses.numSamples());
        }
        return table;
    }

    /**
     * ε values from a comma list or a start:stop:step grid, each in (0, 1). A value that is not a number, a
     * malformed or oversized grid and a value given twice are usage errors (the same ε twice would print the same
     * rows twice); a number outside (0, 1) is invalid input, like δ.
     */
    static double[] epsilons(String spec, String option) {
        double[] eps;
        try {
            eps = ProtocolSettings.parseGrid(spec);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + messageOf(e), e);
        }
        if (eps.length == 0) throw new UsageException(option + ": no values in '" + spec + "'");
        java.util.Set<Double> seen = new java.util.HashSet<>();
        for (double e : eps) {
            if (!seen.add(e)) throw new UsageException(option + ": " + e + " is given twice in '" + spec + "'");
        }
        for (double e : eps) {
            try {
                Checks.epsilon(e);
            } catch (IllegalArgumentException ex) {
                throw new CliException(option + ": " + ex.getMessage(), ex);
            }
        }
        return eps;
    }

    static double delta(double delta) {
        try {
            return Checks.delta(delta);
        } catch (IllegalArgumentException e) {
            throw new CliException("--delta: " + e.getMessage(), e);
        }
    }

    /**
     * Resolves controller names (comma lists allowed), keeping their order; unknown names list the known ones. A
     * name given twice is a usage error: it would print the same rows twice.
     */
    static List<RiskController> controllers(ControllerRegistry registry, List<String> names) {
        List<RiskController> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String n : names) {
            for (String part : n.split(",")) {
                if (part.isBlank()) continue;
                String name = part.trim();
                if (!seen.add(name)) throw new UsageException("controller '" + name + "' is given twice");
                out.add(registry.get(name));
            }
        }
        if (out.isEmpty()) throw new CliException("no controller given; known: " + String.join(", ", registry.names()));
        return out;
    }

    /** A count option's lower bound; below it is a usage error naming the option. */
    static void atLeast(Integer value, int min, String option) {
        if (value != null && value < min) {
            throw new UsageException(option + " must be at least " + min + ", got " + value);
        }
    }

    static String messageOf(Exception e) {
        if (e instanceof IOException io) return EennCli.describe(io);
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
