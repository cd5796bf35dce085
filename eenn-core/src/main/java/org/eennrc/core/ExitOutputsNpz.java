package org.eennrc.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import org.eennrc.risk.io.NpyArray;
import org.eennrc.risk.io.Npz;
import org.eennrc.risk.provenance.FileDigest;

/**
 * Reads and writes per-exit outputs in the interchange format of issue 3 (documented in
 * {@code docs/interchange-format.md}): an {@code .npz} with
 *
 * <ul>
 *   <li>{@code logits} or {@code probs}: (N, L, C), float32 or float64 (exactly one of them);</li>
 *   <li>{@code labels} (optional): (N,), any integer dtype (int8 to int64, uint8 to uint64), values in [0, C);</li>
 *   <li>{@code flops} (optional): (L,), cumulative compute to reach each exit;</li>
 *   <li>{@code confidence} (optional): (N, L), a model-provided confidence in [0, 1];</li>
 *   <li>{@code model_sha256} (optional): (32,) uint8, the SHA-256 of the model file that produced the outputs
 *       (written by {@code eenn export}; a policy calibrated on the outputs carries it so that {@code eenn infer}
 *       can refuse another model);</li>
 *   <li>{@code loss_<name>} (optional): (N, L) float32 or float64, a per-exit loss table ({@link LossTable},
 *       method.md §6), with its declared bounds in {@code loss_<name>_bounds}: (2,) float, [lower, upper].</li>
 * </ul>
 *
 * Table-only outputs (dense tasks) have loss tables, {@code confidence} and optionally {@code flops}, and neither
 * {@code logits} nor {@code probs}.
 *
 * Other keys are ignored: they are never read, so they may hold strings, objects or float16. Every error names the
 * file and the offending key. float32 arrays are handed to
 * {@link ExitOutputs} without a copy, so reading a 1 GB file needs about 1 GB of heap.
 */
public final class ExitOutputsNpz {
    private ExitOutputsNpz() {}

    public static final String LOGITS = "logits";
    public static final String PROBS = "probs";
    public static final String LABELS = "labels";
    public static final String FLOPS = "flops";
    public static final String CONFIDENCE = "confidence";
    public static final String MODEL_SHA256 = "model_sha256";
    /** The prefix of a per-exit loss table's key: {@code loss_<name>}. */
    public static final String LOSS_PREFIX = "loss_";
    /** The suffix of a loss table's bounds key: {@code loss_<name>_bounds}. */
    public static final String BOUNDS_SUFFIX = "_bounds";

    /** The keys of the format; only these entries of a file are read. */
    static final List<String> KEYS = List.of(LOGITS, PROBS, LABELS, FLOPS, CONFIDENCE, MODEL_SHA256);

    /**
     * Reads the outputs; a missing, corrupt or truncated file or a wrong shape gives an IOException naming it. The
     * outputs carry the file's SHA-256 ({@link ExitOutputs#fileSha256()}), so that a policy calibrated on them names
     * the file.
     */
    public static ExitOutputs read(Path file) throws IOException {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        try (Npz.Archive a = Npz.open(file)) {
            boolean tables = a.keys().stream().anyMatch(k -> k.startsWith(LOSS_PREFIX));
            if (!a.contains(LOGITS) && !a.contains(PROBS) && !tables) {
                throw new IOException(file + ": has neither 'logits' nor 'probs' (shape (N, L, C)) nor any per-exit"
                        + " loss table 'loss_<name>' (shape (N, L)); keys present: " + a.keys());
            }
            for (String k : KEYS) {
                if (a.contains(k)) m.put(k, a.read(k));
            }
            for (String k : a.keys()) {
                if (k.startsWith(LOSS_PREFIX)) m.put(k, a.read(k));
            }
        }
        try {
            return builder(m).fileSha256(FileDigest.sha256(file)).build();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Builds outputs from already-loaded arrays (keys as in the file). float32 arrays are used in place. */
    public static ExitOutputs fromArrays(Map<String, NpyArray> m) {
        return builder(m).build();
    }

    private static ExitOutputs.Builder builder(Map<String, NpyArray> m) {
        boolean hasLogits = m.containsKey(LOGITS);
        boolean hasProbs = m.containsKey(PROBS);
        Map<String, NpyArray[]> tables = lossTables(m);
        if (!hasLogits && !hasProbs && !tables.isEmpty()) return tableOnlyBuilder(m, tables);
        if (hasLogits == hasProbs) {
            throw new IllegalArgumentException(hasLogits
                    ? "holds both 'logits' and 'probs'; keep exactly one"
                    : "has neither 'logits' nor 'probs' (shape (N, L, C)) nor any 'loss_<name>' table; keys present: "
                    + m.keySet());
        }
        String key = hasLogits ? LOGITS : PROBS;
        NpyArray scores = m.get(key);
        if (scores.ndim() != 3) {
            throw new IllegalArgumentException("'" + key + "' must have shape (N, L, C), got "
                    + Arrays.toString(scores.shape()));
        }
        if (!scores.isFloating()) {
            throw new IllegalArgumentException("'" + key + "' must be float32 or float64, got dtype " + scores.dtype());
        }
        int n = scores.dim(0);
        int l = scores.dim(1);
        int c = scores.dim(2);
        ExitOutputs.Builder b = ExitOutputs.builder(n, l, c);
        if (scores.dtypeEnum() == NpyArray.DType.FLOAT32) {
            // The arrays of a freshly read file are ours: avoid a second 1 GB copy.
            float[] f = scores.sharedFloats();
            if (hasLogits) b.logitsOwned(f);
            else b.probsOwned(f);
        } else {
            double[] d = scores.sharedDoubles();
            if (hasLogits) b.logits(d);
            else b.probs(d);
        }
        NpyArray labels = m.get(LABELS);
        if (labels != null) {
            if (labels.ndim() != 1 || labels.dim(0) != n) {
                throw new IllegalArgumentException("'labels' must have shape (" + n + ",) to match " + key
                        + ", got " + Arrays.toString(labels.shape()));
            }
            if (!labels.isInteger()) {
                throw new IllegalArgumentException("'labels' must have an integer dtype, got " + labels.dtype()
                        + " (save with labels.astype(np.int64))");
            }
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                long v;
                try {
                    v = labels.getLong(i);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("label of sample " + i + " is outside [0, " + c + ") for C = "
                            + c + " classes: " + e.getMessage(), e);
                }
                if (v < 0 || v >= c) {
                    throw new IllegalArgumentException("label of sample " + i + " is " + v + ", outside [0, " + c
                            + ") for C = " + c + " classes");
                }
                y[i] = (int) v;
            }
            b.labels(y);
        }
        addFlops(b, m.get(FLOPS), l);
        NpyArray conf = m.get(CONFIDENCE);
        if (conf != null) {
            if (conf.ndim() != 2 || conf.dim(0) != n || conf.dim(1) != l) {
                throw new IllegalArgumentException("'confidence' must have shape (" + n + ", " + l + "), got "
                        + Arrays.toString(conf.shape()));
            }
            b.confidence(conf.toDoubleArray());
        }
        NpyArray model = m.get(MODEL_SHA256);
        if (model != null) b.modelSha256(modelHex(model));
        addTables(b, tables, n, l);
        return b;
    }

    /** The loss tables of the file, by name: {values, bounds}; a table without bounds or bounds without a table fail. */
    private static Map<String, NpyArray[]> lossTables(Map<String, NpyArray> m) {
        Map<String, NpyArray[]> out = new LinkedHashMap<>();
        for (String k : m.keySet()) {
            if (!k.startsWith(LOSS_PREFIX)) continue;
            if (k.endsWith(BOUNDS_SUFFIX)) {
                String table = k.substring(0, k.length() - BOUNDS_SUFFIX.length());
                if (!m.containsKey(table)) {
                    throw new IllegalArgumentException("'" + k + "' declares bounds for a loss table '" + table
                            + "' that the file does not hold");
                }
                continue;
            }
            String name = k.substring(LOSS_PREFIX.length());
            try {
                LossTable.checkName(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + k + "': " + e.getMessage(), e);
            }
            NpyArray bounds = m.get(k + BOUNDS_SUFFIX);
            if (bounds == null) {
                throw new IllegalArgumentException("loss table '" + k + "' has no declared bounds: add '" + k
                        + BOUNDS_SUFFIX + "' = [lower, upper] (float, shape (2,)); the controllers' guarantees depend"
                        + " on them");
            }
            out.put(name, new NpyArray[] {m.get(k), bounds});
        }
        return out;
    }

    private static void addTables(ExitOutputs.Builder b, Map<String, NpyArray[]> tables, int n, int l) {
        for (Map.Entry<String, NpyArray[]> e : tables.entrySet()) {
            String key = LOSS_PREFIX + e.getKey();
            NpyArray v = e.getValue()[0];
            NpyArray bounds = e.getValue()[1];
            if (v.ndim() != 2 || v.dim(0) != n || v.dim(1) != l) {
                throw new IllegalArgumentException("'" + key + "' must have shape (" + n + ", " + l + "), got "
                        + Arrays.toString(v.shape()));
            }
            if (!v.isFloating()) {
                throw new IllegalArgumentException("'" + key + "' must be float32 or float64, got dtype " + v.dtype());
            }
            if (bounds.ndim() != 1 || bounds.dim(0) != 2 || !bounds.isFloating()) {
                throw new IllegalArgumentException("'" + key + BOUNDS_SUFFIX + "' must be [lower, upper], float of"
                        + " shape (2,), got " + bounds.dtype() + " " + Arrays.toString(bounds.shape()));
            }
            double[] lu = bounds.toDoubleArray();
            b.lossTable(LossTable.ofOwned(e.getKey(), lu[0], lu[1], n, l, v.toDoubleArray()));
        }
    }

    /** Outputs with loss tables and a confidence array, but no probabilities: N and L come from 'confidence'. */
    private static ExitOutputs.Builder tableOnlyBuilder(Map<String, NpyArray> m, Map<String, NpyArray[]> tables) {
        NpyArray conf = m.get(CONFIDENCE);
        if (conf == null) {
            throw new IllegalArgumentException("holds loss tables " + tables.keySet() + " but no 'logits' or 'probs'"
                    + " and no 'confidence' (N, L): table-only outputs need the confidence of every sample and exit");
        }
        if (conf.ndim() != 2) {
            throw new IllegalArgumentException("'confidence' must have shape (N, L), got "
                    + Arrays.toString(conf.shape()));
        }
        if (m.containsKey(LABELS)) {
            throw new IllegalArgumentException("holds 'labels' but no 'logits' or 'probs': per-sample class labels mean"
                    + " nothing without class scores; the labels of a dense task go into its loss tables");
        }
        int n = conf.dim(0);
        int l = conf.dim(1);
        ExitOutputs.Builder b = ExitOutputs.builder(n, l);
        b.confidence(conf.toDoubleArray());
        addFlops(b, m.get(FLOPS), l);
        NpyArray model = m.get(MODEL_SHA256);
        if (model != null) b.modelSha256(modelHex(model));
        addTables(b, tables, n, l);
        return b;
    }

    /** Sets the optional per-exit cost {@code flops}, which must hold one value per exit. */
    private static void addFlops(ExitOutputs.Builder b, NpyArray flops, int l) {
        if (flops != null) {
            if (flops.ndim() != 1 || flops.dim(0) != l) {
                throw new IllegalArgumentException("'flops' must have shape (" + l + ",) (one value per exit), got "
                        + Arrays.toString(flops.shape()));
            }
            b.flops(flops.toDoubleArray());
        }
    }

    private static String modelHex(NpyArray model) {
        if (model.ndim() != 1 || model.dim(0) != 32 || model.dtypeEnum() != NpyArray.DType.UINT8) {
            throw new IllegalArgumentException("'" + MODEL_SHA256 + "' must be the 32 bytes of a SHA-256 (uint8, "
                    + "shape (32,)), got " + model.dtype() + " " + Arrays.toString(model.shape()));
        }
        byte[] digest = new byte[32];
        for (int i = 0; i < 32; i++) digest[i] = (byte) model.getLong(i);
        return HexFormat.of().formatHex(digest);
    }

    /**
     * Writes the outputs atomically as {@code probs} (float32, absent for table-only outputs), plus {@code labels}
     * (int64), {@code flops} (float64), {@code confidence} (float64), {@code model_sha256} (32 uint8) and each loss
     * table as {@code loss_<name>} (float64) with {@code loss_<name>_bounds} (float64) when present.
     */
    public static void write(Path file, ExitOutputs outputs, boolean compressed) throws IOException {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        int n = outputs.numSamples();
        int l = outputs.numExits();
        if (outputs.hasProbabilities()) {
            m.put(PROBS, NpyArray.ofFloats(outputs.probsView(), n, l, outputs.numClasses()));
        }
        if (outputs.hasLabels()) {
            int[] y = outputs.labelsView();
            long[] ly = new long[n];
            for (int i = 0; i < n; i++) ly[i] = y[i];
            m.put(LABELS, NpyArray.ofLongs(ly, n));
        }
        if (outputs.hasFlops()) m.put(FLOPS, NpyArray.ofDoubles(outputs.flops(), l));
        if (outputs.hasConfidence()) m.put(CONFIDENCE, NpyArray.ofDoubles(outputs.confidenceView(), n, l));
        if (outputs.modelSha256() != null) {
            m.put(MODEL_SHA256, NpyArray.ofUnsignedBytes(HexFormat.of().parseHex(outputs.modelSha256()), 32));
        }
        for (String name : outputs.lossTableNames()) {
            LossTable t = outputs.lossTable(name);
            m.put(LOSS_PREFIX + name, NpyArray.ofDoubles(t.valuesView(), n, l));
            m.put(LOSS_PREFIX + name + BOUNDS_SUFFIX, NpyArray.ofDoubles(new double[] {t.lowerBound(), t.upperBound()}, 2));
        }
        Npz.write(file, m, compressed);
    }
}
