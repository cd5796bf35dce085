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
 *       can refuse another model).</li>
 * </ul>
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
            if (!a.contains(LOGITS) && !a.contains(PROBS)) {
                throw new IOException(file + ": has neither 'logits' nor 'probs' (shape (N, L, C)); keys present: "
                        + a.keys());
            }
            for (String k : KEYS) {
                if (a.contains(k)) m.put(k, a.read(k));
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
        if (hasLogits == hasProbs) {
            throw new IllegalArgumentException(hasLogits
                    ? "holds both 'logits' and 'probs'; keep exactly one"
                    : "has neither 'logits' nor 'probs' (shape (N, L, C)); keys present: " + m.keySet());
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
        NpyArray flops = m.get(FLOPS);
        if (flops != null) {
            if (flops.ndim() != 1 || flops.dim(0) != l) {
                throw new IllegalArgumentException("'flops' must have shape (" + l + ",) (one value per exit), got "
                        + Arrays.toString(flops.shape()));
            }
            b.flops(flops.toDoubleArray());
        }
        NpyArray conf = m.get(CONFIDENCE);
        if (conf != null) {
            if (conf.ndim() != 2 || conf.dim(0) != n || conf.dim(1) != l) {
                throw new IllegalArgumentException("'confidence' must have shape (" + n + ", " + l + "), got "
                        + Arrays.toString(conf.shape()));
            }
            b.confidence(conf.toDoubleArray());
        }
        NpyArray model = m.get(MODEL_SHA256);
        if (model != null) {
            if (model.ndim() != 1 || model.dim(0) != 32 || model.dtypeEnum() != NpyArray.DType.UINT8) {
                throw new IllegalArgumentException("'" + MODEL_SHA256 + "' must be the 32 bytes of a SHA-256 (uint8, "
                        + "shape (32,)), got " + model.dtype() + " " + Arrays.toString(model.shape()));
            }
            byte[] digest = new byte[32];
            for (int i = 0; i < 32; i++) digest[i] = (byte) model.getLong(i);
            b.modelSha256(HexFormat.of().formatHex(digest));
        }
        return b;
    }

    /**
     * Writes the outputs atomically as {@code probs} (float32), plus {@code labels} (int64), {@code flops}
     * (float64), {@code confidence} (float64) and {@code model_sha256} (32 uint8) when present.
     */
    public static void write(Path file, ExitOutputs outputs, boolean compressed) throws IOException {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        int n = outputs.numSamples();
        int l = outputs.numExits();
        m.put(PROBS, NpyArray.ofFloats(outputs.probsView(), n, l, outputs.numClasses()));
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
        Npz.write(file, m, compressed);
    }
}
