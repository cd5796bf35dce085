package org.eennrc.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.io.AtomicFiles;

/**
 * A calibrated early-exit policy: which confidence measure, which shared threshold λ̂ (method.md §1), and the
 * certificate that says what was controlled and how (method.md §3–4). It is what calibration produces and what
 * deployment consumes, so it is saved as a small JSON file and {@link #apply applied} to new outputs.
 *
 * <p>The certificate only holds for new data exchangeable with the calibration set, with the same model and
 * the same confidence measure; {@link #apply} checks the measure and the number of exits.
 *
 * @param confidence the confidence measure's name (see {@link ConfidenceMeasures})
 * @param lambda the threshold λ̂: a sample exits at the first exit whose confidence is strictly above it
 * @param numExits L of the model the policy was calibrated for
 * @param certificate what the threshold guarantees
 */
public record ExitPolicy(String confidence, double lambda, int numExits, Certificate certificate) {

    /** Format version written to and expected in JSON. */
    public static final int FORMAT_VERSION = 1;

    /**
     * What a threshold certifies.
     *
     * @param risk the risk's name (method.md §2)
     * @param controller the controller's name, e.g. {@code ucb-wsr}
     * @param epsilon the tolerance ε
     * @param delta the error level δ, NaN when the guarantee does not use one
     * @param n calibration set size
     * @param guarantee the kind of guarantee
     * @param feasible false when nothing was certified and the full model (λ = 1) is used
     * @param gridIndex k̂ on the calibration grid
     * @param calibrationRisk R̂(k̂) on the calibration set
     * @param lossTransform the transformation applied to the losses (e.g. {@code max(x,0)/2} or {@code none})
     * @param expectedSaving the relative compute saving on the calibration set at λ̂ (NaN if unknown)
     */
    public record Certificate(String risk, String controller, double epsilon, double delta, int n,
            Guarantee guarantee, boolean feasible, int gridIndex, double calibrationRisk, String lossTransform,
            double expectedSaving) {
        public Certificate {
            Objects.requireNonNull(risk, "risk");
            Objects.requireNonNull(controller, "controller");
            Objects.requireNonNull(guarantee, "guarantee");
            if (lossTransform == null) lossTransform = "none";
        }
    }

    public ExitPolicy {
        Objects.requireNonNull(confidence, "confidence");
        Objects.requireNonNull(certificate, "certificate");
        if (!(lambda >= 0 && lambda <= 1)) throw new IllegalArgumentException("λ must be in [0, 1], got " + lambda);
        if (numExits < 1) throw new IllegalArgumentException("numExits must be >= 1, got " + numExits);
    }

    /** The policy chosen by a controller's result on {@code grid}. */
    public static ExitPolicy from(String confidence, LambdaGrid grid, CalibrationResult result, String risk,
            int numExits, double expectedSaving) {
        Certificate c = new Certificate(risk, result.controller(), result.epsilon(), result.delta(), result.n(),
                result.guarantee(), result.feasible(), result.index(), result.calibrationRisk(),
                result.transform().describe(), expectedSaving);
        return new ExitPolicy(confidence, result.lambda(grid), numExits, c);
    }

    // ------------------------------------------------------------------ apply

    /**
     * The simulated exit (method.md §1) on exported outputs: each sample's exit by {@link ExitRule} on the measure's
     * confidences, and that exit's prediction. This is the one simulated exit of the project; real early exit
     * (eenn-models) must reproduce it sample by sample. Uses the built-in measure of the policy's name.
     */
    public ExitResult apply(ExitOutputs outputs) {
        return apply(outputs, ConfidenceMeasures.byName(confidence));
    }

    /**
     * Applies the policy with a given measure instance (for a user's own measure, whose name must match).
     *
     * @throws IllegalArgumentException if the measure's name or the number of exits does not match
     */
    public ExitResult apply(ExitOutputs outputs, ConfidenceMeasure measure) {
        if (!measure.name().equals(confidence)) {
            throw new IllegalArgumentException("policy was calibrated with confidence '" + confidence
                    + "' but measure '" + measure.name() + "' was given; the certificate would not hold");
        }
        if (outputs.numExits() != numExits) {
            throw new IllegalArgumentException("policy was calibrated for " + numExits + " exits but the outputs have "
                    + outputs.numExits());
        }
        double[] conf = LossMatrixBuilder.checkedConfidences(measure, outputs);
        int n = outputs.numSamples();
        int[] exits = new int[n];
        int[] preds = new int[n];
        for (int i = 0; i < n; i++) {
            exits[i] = ExitRule.exit(conf, i, numExits, lambda);
            preds[i] = outputs.prediction(i, exits[i]);
        }
        return new ExitResult(preds, exits, numExits, 0);
    }

    // ------------------------------------------------------------------ JSON

    /** The policy as pretty-printed JSON. */
    public String toJson() {
        Map<String, Object> cert = new LinkedHashMap<>();
        cert.put("risk", certificate.risk());
        cert.put("controller", certificate.controller());
        cert.put("epsilon", certificate.epsilon());
        cert.put("delta", certificate.delta());
        cert.put("n", certificate.n());
        cert.put("guarantee", certificate.guarantee().name().toLowerCase(Locale.ROOT));
        cert.put("guarantee_text", certificate.guarantee().description());
        cert.put("feasible", certificate.feasible());
        cert.put("index", certificate.gridIndex());
        cert.put("calibration_risk", certificate.calibrationRisk());
        cert.put("loss_transform", certificate.lossTransform());
        cert.put("expected_saving", certificate.expectedSaving());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "eenn-rc exit policy");
        m.put("version", FORMAT_VERSION);
        m.put("confidence", confidence);
        m.put("lambda", lambda);
        m.put("num_exits", numExits);
        m.put("certificate", cert);
        return MiniJson.write(m);
    }

    /** Parses {@link #toJson()} output; the message names the missing or malformed field. */
    public static ExitPolicy fromJson(String json) {
        Map<String, Object> m = MiniJson.parse(json);
        Object version = m.get("version");
        if (!(version instanceof Long v) || v != FORMAT_VERSION) {
            throw new IllegalArgumentException("policy JSON has version " + version + ", expected " + FORMAT_VERSION);
        }
        Object c = m.get("certificate");
        if (!(c instanceof Map<?, ?>)) throw new IllegalArgumentException("policy JSON has no 'certificate' object");
        @SuppressWarnings("unchecked")
        Map<String, Object> cert = (Map<String, Object>) c;
        String g = str(cert, "guarantee");
        Guarantee guarantee;
        try {
            guarantee = Guarantee.valueOf(g.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy JSON: unknown guarantee '" + g + "'");
        }
        Certificate certificate = new Certificate(str(cert, "risk"), str(cert, "controller"), num(cert, "epsilon"),
                num(cert, "delta"), (int) integer(cert, "n"), guarantee, bool(cert, "feasible"),
                (int) integer(cert, "index"), num(cert, "calibration_risk"), str(cert, "loss_transform"),
                num(cert, "expected_saving"));
        return new ExitPolicy(str(m, "confidence"), num(m, "lambda"), (int) integer(m, "num_exits"), certificate);
    }

    /** Saves atomically as JSON. */
    public void save(Path file) throws IOException {
        byte[] bytes = toJson().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** Loads a saved policy; the message names the file and the problem. */
    public static ExitPolicy load(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such policy file");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return fromJson(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a valid exit policy: " + e.getMessage(), e);
        }
    }

    private static Object field(Map<String, Object> m, String key) {
        if (!m.containsKey(key)) throw new IllegalArgumentException("policy JSON lacks field '" + key + "'");
        return m.get(key);
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = field(m, key);
        if (!(v instanceof String s)) throw new IllegalArgumentException("policy JSON field '" + key + "' is not a string");
        return s;
    }

    /** A number; JSON null reads as NaN (non-finite values are written as null). */
    private static double num(Map<String, Object> m, String key) {
        Object v = field(m, key);
        if (v == null) return Double.NaN;
        if (!(v instanceof Number x)) throw new IllegalArgumentException("policy JSON field '" + key + "' is not a number");
        return x.doubleValue();
    }

    private static long integer(Map<String, Object> m, String key) {
        Object v = field(m, key);
        if (!(v instanceof Long x)) throw new IllegalArgumentException("policy JSON field '" + key + "' is not an integer");
        return x;
    }

    private static boolean bool(Map<String, Object> m, String key) {
        Object v = field(m, key);
        if (!(v instanceof Boolean b)) throw new IllegalArgumentException("policy JSON field '" + key + "' is not a boolean");
        return b;
    }
}
