package org.eennrc.risk.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Loss matrices and vectors from {@code .npy} or {@code .csv} files, for calibrating cached losses of any model.
 *
 * <p>A matrix has one row per threshold λ_k (row 0 = λ = 1, the full model) and one column per sample, as in
 * method.md §4. CSV: one line per row, comma separated; blank lines are ignored. A bad number is reported with its
 * line and column.
 */
public final class MatrixFiles {
    private MatrixFiles() {}

    /** A 2-D matrix {@code m[k][i]} from a 2-D {@code .npy} or a {@code .csv} file. */
    public static double[][] readMatrix(Path file) throws IOException {
        requireExists(file);
        if (isNpy(file)) {
            NpyArray a = Npy.read(file);
            if (a.ndim() != 2) {
                throw new IOException(file + ": expected a 2-D array (rows = thresholds, columns = samples), got shape "
                        + Arrays.toString(a.shape()));
            }
            return a.toDoubleMatrix();
        }
        if (isCsv(file)) {
            List<double[]> rows = readCsv(file);
            if (rows.isEmpty()) throw new IOException(file + ": CSV file has no rows");
            int n = rows.get(0).length;
            for (int k = 1; k < rows.size(); k++) {
                if (rows.get(k).length != n) {
                    throw new IOException(file + ": row " + (k + 1) + " has " + rows.get(k).length
                            + " values but row 1 has " + n);
                }
            }
            return rows.toArray(new double[0][]);
        }
        throw unknownExtension(file);
    }

    /** A vector from a 1-D {@code .npy} or a {@code .csv} file (a single line, or one value per line). */
    public static double[] readVector(Path file) throws IOException {
        requireExists(file);
        if (isNpy(file)) {
            NpyArray a = Npy.read(file);
            if (a.ndim() != 1) {
                throw new IOException(file + ": expected a 1-D array, got shape " + Arrays.toString(a.shape()));
            }
            return a.toDoubleArray();
        }
        if (isCsv(file)) {
            List<double[]> rows = readCsv(file);
            if (rows.isEmpty()) throw new IOException(file + ": CSV file has no values");
            if (rows.size() == 1) return rows.get(0);
            double[] out = new double[rows.size()];
            for (int i = 0; i < out.length; i++) {
                if (rows.get(i).length != 1) {
                    throw new IOException(file + ": a vector is a single line or one value per line, but line "
                            + (i + 1) + " of the values has " + rows.get(i).length + " values");
                }
                out[i] = rows.get(i)[0];
            }
            return out;
        }
        throw unknownExtension(file);
    }

    private static void requireExists(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "file not found");
        if (Files.isDirectory(file)) throw new IOException(file + ": is a directory, not a .npy or .csv file");
    }

    private static boolean isNpy(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    private static boolean isCsv(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    }

    private static IOException unknownExtension(Path file) {
        return new IOException(file + ": unknown file type; expected .npy or .csv");
    }

    private static List<double[]> readCsv(Path file) throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
                if (line.isBlank()) continue;
                String[] parts = line.split(",", -1);
                double[] row = new double[parts.length];
                for (int j = 0; j < parts.length; j++) {
                    String t = parts[j].trim();
                    try {
                        if (t.isEmpty()) throw new NumberFormatException();
                        row[j] = Double.parseDouble(t);
                    } catch (NumberFormatException e) {
                        throw new IOException(file + ": line " + lineNo + ", column " + (j + 1) + ": '" + t
                                + "' is not a number");
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
