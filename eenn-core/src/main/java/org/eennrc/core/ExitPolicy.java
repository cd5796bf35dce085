package org.eennrc.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.io.AtomicFiles;
import org.eennrc.risk.provenance.FileDigest;

/**
 * A calibrated early-exit policy: which confidence measure, which threshold (one λ̂ shared by all exits, method.md
 * §1, or one per exit, method.md §7), and the
 * certificate that says what was controlled and how (method.md §3–4). It is what calibration produces and what
 * deployment consumes, so it is saved as a small JSON file and {@link #apply applied} to new outputs.
 *
 * <p>The certificate only holds for new data exchangeable with the calibration set, with the same model and
 * the same confidence measure. So a saved policy carries what it was certified on ({@link CertifiedOn}: the SHA-256 of
 * the outputs, of their npz file and of the model that produced them) and a checksum of its own content
 * ({@code content_sha256}): {@link #load} refuses a policy edited after it was saved, and {@code eenn infer} also
 * refuses it on another model or when it is infeasible. {@link #apply} checks the measure and the number of exits.
 * The checksum detects edits and corruption, not forgery: anyone can recompute it.
 *
 * @param confidence the confidence measure's name (see {@link ConfidenceMeasures})
 * @param lambda the shared threshold λ̂: a sample exits at the first exit whose confidence is strictly above it; NaN
 *     for a per-exit policy
 * @param exitThresholds null for a shared threshold, else λ̂_1 … λ̂_{L−1} (method.md §7): a sample exits at the first
 *     exit l whose confidence is strictly above λ̂_l
 * @param numExits L of the model the policy was calibrated for
 * @param certificate what the threshold guarantees
 */
public record ExitPolicy(String confidence, double lambda, List<Double> exitThresholds, int numExits,
        Certificate certificate) {

    /**
     * Format version written to JSON. Version 2 added the grid, {@code certified_on} and {@code content_sha256};
     * version 3 added per-exit thresholds ({@code exit_thresholds}, with {@code lambda} null, and the certificate's
     * {@code configurations}). Version-2 policies are still read and verified; version-1 policies are read
     * ({@link #read}) as carrying no integrity data.
     */
    public static final int FORMAT_VERSION = 3;

    /** The value of the {@code format} field. */
    static final String FORMAT = "eenn-rc exit policy";

    /** The field holding the checksum of everything else. */
    static final String CHECKSUM_FIELD = "content_sha256";

    /**
     * What a policy was certified on, so that it can be checked before it is deployed. Each is a lower-case hex
     * SHA-256, or null when unknown.
     *
     * @param outputsSha256 the content of the calibration outputs ({@link ExitOutputs#contentSha256()}): the same
     *     outputs give the same hash whether they came from a file or from Java
     * @param outputsFileSha256 the npz file they were read from (null when built in memory or a subset of a file)
     * @param modelSha256 the model file that produced them ({@link ExitOutputs#modelSha256()}; null for outputs
     *     from outside {@code eenn export}, e.g. PyTorch)
     */
    public record CertifiedOn(String outputsSha256, String outputsFileSha256, String modelSha256) {
        /** Nothing known: a policy built by hand. */
        public static final CertifiedOn UNKNOWN = new CertifiedOn(null, null, null);

        public CertifiedOn {
            if (outputsSha256 != null) outputsSha256 = ExitOutputs.sha256Hex(outputsSha256, "outputs_sha256");
            if (outputsFileSha256 != null) {
                outputsFileSha256 = ExitOutputs.sha256Hex(outputsFileSha256, "outputs_file_sha256");
            }
            if (modelSha256 != null) modelSha256 = ExitOutputs.sha256Hex(modelSha256, "model_sha256");
        }

        /** What these outputs are: their content hash, and their file and model hashes when known. */
        public static CertifiedOn of(ExitOutputs outputs) {
            return new CertifiedOn(outputs.contentSha256(), outputs.fileSha256(), outputs.modelSha256());
        }
    }

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
     * @param grid the threshold grid k̂ indexes (λ̂ must be its value k̂), or null for a threshold set by hand
     * @param certifiedOn the outputs and model the threshold was certified on
     * @param configurations for per-exit thresholds, the configuration family (and split) they were chosen from;
     *     {@code gridIndex} is then the configuration's index in it. Null for a shared threshold
     */
    public record Certificate(String risk, String controller, double epsilon, double delta, int n,
            Guarantee guarantee, boolean feasible, int gridIndex, double calibrationRisk, String lossTransform,
            double expectedSaving, LambdaGrid grid, CertifiedOn certifiedOn, String configurations) {
        public Certificate {
            Objects.requireNonNull(risk, "risk");
            Objects.requireNonNull(controller, "controller");
            Objects.requireNonNull(guarantee, "guarantee");
            if (lossTransform == null) lossTransform = "none";
            if (certifiedOn == null) certifiedOn = CertifiedOn.UNKNOWN;
        }

        /** A certificate of a shared threshold. */
        public Certificate(String risk, String controller, double epsilon, double delta, int n, Guarantee guarantee,
                boolean feasible, int gridIndex, double calibrationRisk, String lossTransform, double expectedSaving,
                LambdaGrid grid, CertifiedOn certifiedOn) {
            this(risk, controller, epsilon, delta, n, guarantee, feasible, gridIndex, calibrationRisk, lossTransform,
                    expectedSaving, grid, certifiedOn, null);
        }

        /** A certificate with no grid and nothing known about what it was certified on (a threshold set by hand). */
        public Certificate(String risk, String controller, double epsilon, double delta, int n, Guarantee guarantee,
                boolean feasible, int gridIndex, double calibrationRisk, String lossTransform, double expectedSaving) {
            this(risk, controller, epsilon, delta, n, guarantee, feasible, gridIndex, calibrationRisk, lossTransform,
                    expectedSaving, null, CertifiedOn.UNKNOWN);
        }
    }

    /** A policy of one shared threshold λ. */
    public ExitPolicy(String confidence, double lambda, int numExits, Certificate certificate) {
        this(confidence, lambda, null, numExits, certificate);
    }

    /** A policy of per-exit thresholds λ_1 … λ_{L−1} (method.md §7). */
    public static ExitPolicy perExit(String confidence, double[] thresholds, int numExits, Certificate certificate) {
        List<Double> t = new ArrayList<>(thresholds.length);
        for (double v : thresholds) t.add(v);
        return new ExitPolicy(confidence, Double.NaN, t, numExits, certificate);
    }

    /**
     * @throws IllegalArgumentException if a threshold lies outside [0, 1], there is no exit, a per-exit policy has not
     *     L − 1 thresholds (or also a shared λ, or a grid), or the certificate names a grid on which index k̂ is not λ̂
     */
    public ExitPolicy {
        Objects.requireNonNull(confidence, "confidence");
        Objects.requireNonNull(certificate, "certificate");
        if (numExits < 1) throw new IllegalArgumentException("numExits must be >= 1, got " + numExits);
        if (exitThresholds != null) {
            exitThresholds = List.copyOf(exitThresholds);
            if (exitThresholds.size() != numExits - 1) {
                throw new IllegalArgumentException("a per-exit policy for " + numExits + " exits needs " + (numExits - 1)
                        + " thresholds (none for the last exit), got " + exitThresholds.size());
            }
            for (int l = 0; l < exitThresholds.size(); l++) {
                double v = exitThresholds.get(l);
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("threshold of exit " + l + " must be in [0, 1], got " + v);
                }
            }
            if (!Double.isNaN(lambda)) {
                throw new IllegalArgumentException("a per-exit policy has no shared λ (lambda must be null), got " + lambda);
            }
            if (certificate.grid() != null) {
                throw new IllegalArgumentException("a per-exit policy has no shared-λ grid (certificate grid must be null)");
            }
        } else if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("λ must be in [0, 1], got " + lambda);
        }
        LambdaGrid g = certificate.grid();
        if (g != null) {
            int k = certificate.gridIndex();
            if (k < 0 || k >= g.size()) {
                throw new IllegalArgumentException("index " + k + " is outside the grid " + describe(g) + " (0 to "
                        + (g.size() - 1) + ")");
            }
            if (Double.compare(g.lambda(k), lambda) != 0) {
                throw new IllegalArgumentException("lambda " + lambda + " does not match index " + k + " of the grid "
                        + describe(g) + ", whose value is " + g.lambda(k));
            }
        }
    }

    /** The policy chosen by a controller's result on {@code grid}, with nothing known about the outputs. */
    public static ExitPolicy from(String confidence, LambdaGrid grid, CalibrationResult result, String risk,
            int numExits, double expectedSaving) {
        return from(confidence, grid, result, risk, numExits, expectedSaving, CertifiedOn.UNKNOWN);
    }

    /** The policy chosen by a controller's result on {@code grid}, certified on the outputs {@code on} describes. */
    public static ExitPolicy from(String confidence, LambdaGrid grid, CalibrationResult result, String risk,
            int numExits, double expectedSaving, CertifiedOn on) {
        Certificate c = new Certificate(risk, result.controller(), result.epsilon(), result.delta(), result.n(),
                result.guarantee(), result.feasible(), result.index(), result.calibrationRisk(),
                result.transform().describe(), expectedSaving, Objects.requireNonNull(grid, "grid"), on);
        return new ExitPolicy(confidence, result.lambda(grid), numExits, c);
    }

    /** Whether the policy has one threshold per exit (method.md §7) rather than one shared λ. */
    public boolean isPerExit() {
        return exitThresholds != null;
    }

    /** The threshold of each exit but the last, λ_0 … λ_{L−2} (0-based; all λ for a shared policy). */
    public double[] thresholds() {
        double[] t = new double[numExits - 1];
        for (int l = 0; l < t.length; l++) t[l] = exitThresholds == null ? lambda : exitThresholds.get(l);
        return t;
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
        if (!outputs.hasProbabilities()) {
            throw new IllegalStateException("apply gives each sample's exit and its predicted class, but these are"
                    + " table-only outputs with no per-class probabilities (method.md §6); use exits(outputs) for the"
                    + " exit of each sample");
        }
        int[] exits = exits(outputs, measure);
        int[] preds = new int[exits.length];
        for (int i = 0; i < exits.length; i++) preds[i] = outputs.prediction(i, exits[i]);
        return new ExitResult(preds, exits, numExits, 0);
    }

    /**
     * The 0-based exit of every sample under this policy (method.md §1), with the built-in measure of the policy's
     * name. Unlike {@link #apply} it needs only the confidences, so it also works on table-only outputs (dense tasks,
     * method.md §6, with the {@code provided} confidence).
     */
    public int[] exits(ExitOutputs outputs) {
        return exits(outputs, ConfidenceMeasures.byName(confidence));
    }

    /**
     * The exit of every sample with a given measure instance (whose name must match).
     *
     * @throws IllegalArgumentException if the measure's name or the number of exits does not match
     */
    public int[] exits(ExitOutputs outputs, ConfidenceMeasure measure) {
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
        double[] th = thresholds();
        for (int i = 0; i < n; i++) exits[i] = ExitRule.exit(conf, i, numExits, th);
        return exits;
    }

    // ------------------------------------------------------------------ deployment checks

    /**
     * Why this policy should not be deployed on the model whose file has SHA-256 {@code modelSha256} (null: not
     * known), as one sentence each; empty when it may run as certified. An infeasible policy certified nothing, so
     * there is no early exit to run; a policy certified on another model's outputs certifies nothing about this one.
     * The integrity of a saved policy is checked by {@link Loaded#problems}.
     */
    public List<String> deploymentProblems(String modelSha256) {
        List<String> problems = new ArrayList<>();
        if (!certificate.feasible()) {
            problems.add("it is infeasible (feasible: false): " + certificate.controller() + " certified no threshold"
                    + " at epsilon " + certificate.epsilon() + ", so there is no early exit to run (only the full"
                    + " model meets the tolerance)");
        }
        String certified = certificate.certifiedOn().modelSha256();
        if (certified != null && modelSha256 != null
                && !certified.equals(ExitOutputs.sha256Hex(modelSha256, "model SHA-256"))) {
            problems.add("it was certified on the outputs of the model with SHA-256 " + certified
                    + ", but the model being run has SHA-256 " + modelSha256.toLowerCase(Locale.ROOT)
                    + " (another model, or the same one retrained)");
        }
        return problems;
    }

    /**
     * What cannot be checked before deploying on a model (null {@code modelSha256}: not known), as warnings: a
     * policy certified on outputs from outside {@code eenn export} does not know its model.
     */
    public List<String> deploymentWarnings(String modelSha256) {
        List<String> warnings = new ArrayList<>();
        if (certificate.certifiedOn().modelSha256() == null) {
            warnings.add("the policy does not record which model produced its calibration outputs (outputs without "
                    + "model_sha256, e.g. from outside 'eenn export'), so it cannot be checked against this model");
        } else if (modelSha256 == null) {
            warnings.add("the model file could not be hashed, so the policy cannot be checked against it");
        }
        return warnings;
    }

    // ------------------------------------------------------------------ JSON

    /** The policy as pretty-printed JSON, ending with its {@code content_sha256}. */
    public String toJson() {
        Map<String, Object> m = toMap();
        m.put(CHECKSUM_FIELD, checksumOf(m));
        return MiniJson.write(m);
    }

    /**
     * The SHA-256 (hex) of the policy's canonical form: every field of its JSON but {@code content_sha256}, as
     * {@link #canonicalJson} writes it. Any change of a value (λ, index, ε, δ, feasible, n, a hash, …) changes it;
     * the layout of the file (spaces, key order, {@code 0.05} or {@code 5e-2}) does not.
     */
    public String contentSha256() {
        return checksumOf(toMap());
    }

    /** The JSON fields, without the checksum. */
    private Map<String, Object> toMap() {
        Map<String, Object> on = new LinkedHashMap<>();
        on.put("outputs_sha256", certificate.certifiedOn().outputsSha256());
        on.put("outputs_file_sha256", certificate.certifiedOn().outputsFileSha256());
        on.put("model_sha256", certificate.certifiedOn().modelSha256());
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
        cert.put("grid", certificate.grid() == null ? null : describe(certificate.grid()));
        cert.put("calibration_risk", certificate.calibrationRisk());
        cert.put("loss_transform", certificate.lossTransform());
        cert.put("expected_saving", certificate.expectedSaving());
        cert.put("certified_on", on);
        cert.put("configurations", certificate.configurations());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", FORMAT_VERSION);
        m.put("confidence", confidence);
        m.put("lambda", lambda);
        m.put("exit_thresholds", exitThresholds);
        m.put("num_exits", numExits);
        m.put("certificate", cert);
        return m;
    }

    /** The checksum of fields as they read back from JSON (so that save and load agree bit for bit). */
    private static String checksumOf(Map<String, Object> fields) {
        return FileDigest.sha256(canonicalJson(MiniJson.parse(MiniJson.write(fields))));
    }

    /**
     * The canonical form the checksum covers: compact JSON (no whitespace), object keys sorted (by UTF-16 code
     * units), strings with {@code "} and {@code \} escaped and control characters as {@code \}{@code uXXXX},
     * integers in decimal, other numbers as Java's {@code Double.toString}, null for NaN; a parsed policy gives the
     * same form whatever the layout of its file.
     */
    static String canonicalJson(Object value) {
        StringBuilder sb = new StringBuilder();
        canonical(sb, value);
        return sb.toString();
    }

    private static void canonical(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '"' || ch == '\\') sb.append('\\').append(ch);
                else if (ch < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                else sb.append(ch);
            }
            sb.append('"');
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            sb.append(v);
        } else if (v instanceof Double d) {
            sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (v instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) sb.append(',');
                canonical(sb, list.get(i) instanceof Long x ? (Object) x.doubleValue() : list.get(i));
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                canonical(sb, String.valueOf(e.getKey()));
                sb.append(':');
                canonical(sb, e.getValue());
            }
            sb.append('}');
        } else {
            throw new IllegalArgumentException("no canonical form for " + v.getClass().getSimpleName());
        }
    }

    /** Whether a saved policy's content matches its checksum. */
    public enum Integrity {
        /** The {@code content_sha256} matches the content: not edited since it was saved. */
        VERIFIED,
        /** The content does not match its {@code content_sha256} (or it has none): edited or corrupted. */
        MODIFIED,
        /** A version-1 policy: it carries no checksum and no hashes, so nothing can be verified. */
        ABSENT
    }

    /**
     * A policy as read from JSON, with what its integrity check found.
     *
     * @param policy the policy as the file states it (edited or not)
     * @param version the file's format version
     * @param integrity whether its content matches its checksum
     */
    public record Loaded(ExitPolicy policy, int version, Integrity integrity) {
        public Loaded {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(integrity, "integrity");
        }

        /** Null when verified, else why the content cannot be trusted, as a sentence. */
        public String integrityProblem() {
            return switch (integrity) {
                case VERIFIED -> null;
                case MODIFIED -> "its content does not match its " + CHECKSUM_FIELD + ": it was edited (or corrupted)"
                        + " after calibration saved it, so its certificate no longer describes it";
                case ABSENT -> "it is a version-" + version + " policy, which carries no checksum and no hashes of the"
                        + " outputs and model it was certified on, so nothing about it can be verified; calibrate"
                        + " again to save a version-" + FORMAT_VERSION + " policy";
            };
        }

        /**
         * Everything that should stop this policy from running on the model with SHA-256 {@code modelSha256} (null:
         * not known): its integrity, then {@link ExitPolicy#deploymentProblems}. Empty when it may run as certified.
         */
        public List<String> problems(String modelSha256) {
            List<String> p = new ArrayList<>();
            if (integrity != Integrity.VERIFIED) p.add(integrityProblem());
            p.addAll(policy.deploymentProblems(modelSha256));
            return p;
        }

        /** What cannot be checked (see {@link ExitPolicy#deploymentWarnings}); none for a version-1 policy. */
        public List<String> warnings(String modelSha256) {
            return integrity == Integrity.ABSENT ? List.of() : policy.deploymentWarnings(modelSha256);
        }
    }

    /**
     * Parses {@link #toJson()} output and verifies it: the policy, if its content matches its checksum.
     *
     * @throws IllegalArgumentException naming the missing, malformed or out-of-range field, or saying that the
     *     policy was edited or carries no checksum (version 1); {@link #parse} reads those too
     */
    public static ExitPolicy fromJson(String json) {
        Loaded l = parse(json);
        if (l.integrity() != Integrity.VERIFIED) {
            throw new IllegalArgumentException(l.integrityProblem());
        }
        return l.policy();
    }

    /**
     * Parses a policy of any supported version without refusing it for its integrity, which the result reports:
     * for tools that let a user run an unverified policy explicitly. Fields are still checked: present, of the
     * right type, in range, and the index agreeing with λ on the named grid.
     *
     * @throws IllegalArgumentException naming the missing, malformed or out-of-range field
     */
    public static Loaded parse(String json) {
        Map<String, Object> m = MiniJson.parse(json);
        Object version = m.get("version");
        if (!(version instanceof Long v) || v < 1 || v > FORMAT_VERSION) {
            throw new IllegalArgumentException("policy JSON has version " + version + ", expected " + FORMAT_VERSION
                    + " (or 2 or 1)");
        }
        if (m.containsKey("format") && !FORMAT.equals(m.get("format"))) {
            throw new IllegalArgumentException("policy JSON has format " + m.get("format") + ", expected '" + FORMAT
                    + "'");
        }
        boolean v2 = v >= 2;
        boolean v3 = v >= 3;
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
        LambdaGrid grid = null;
        CertifiedOn on = CertifiedOn.UNKNOWN;
        if (v2) {
            Object gv = field(cert, "grid");
            if (gv != null) {
                if (!(gv instanceof String gs)) throw new IllegalArgumentException("policy JSON field 'grid' is not a string");
                grid = parseGrid(gs);
            }
            Object o = field(cert, "certified_on");
            if (!(o instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("policy JSON field 'certified_on' is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> om = (Map<String, Object>) o;
            knownFields(om, "certificate.certified_on.", Set.of("outputs_sha256", "outputs_file_sha256",
                    "model_sha256"));
            on = new CertifiedOn(hash(om, "outputs_sha256"), hash(om, "outputs_file_sha256"),
                    hash(om, "model_sha256"));
        }
        String configurations = null;
        List<Double> exitThresholds = null;
        if (v3) {
            Object cv = field(cert, "configurations");
            if (cv != null && !(cv instanceof String)) {
                throw new IllegalArgumentException("policy JSON field 'configurations' is not a string or null");
            }
            configurations = (String) cv;
            Object tv = field(m, "exit_thresholds");
            if (tv != null) {
                if (!(tv instanceof List<?> list)) {
                    throw new IllegalArgumentException("policy JSON field 'exit_thresholds' is not an array or null");
                }
                exitThresholds = new ArrayList<>();
                for (Object x : list) {
                    if (!(x instanceof Number num)) {
                        throw new IllegalArgumentException("policy JSON field 'exit_thresholds' holds " + x
                                + ", not a number");
                    }
                    exitThresholds.add(num.doubleValue());
                }
            }
        }
        Certificate certificate = new Certificate(str(cert, "risk"), str(cert, "controller"), num(cert, "epsilon"),
                num(cert, "delta"), (int) integer(cert, "n"), guarantee, bool(cert, "feasible"),
                (int) integer(cert, "index"), num(cert, "calibration_risk"), str(cert, "loss_transform"),
                num(cert, "expected_saving"), grid, on, configurations);
        ExitPolicy policy = new ExitPolicy(str(m, "confidence"), num(m, "lambda"), exitThresholds,
                (int) integer(m, "num_exits"), certificate);
        if (v2) { // after the fields, so that a renamed field is reported as missing
            Set<String> top = new java.util.HashSet<>(Set.of("format", "version", "confidence", "lambda", "num_exits",
                    "certificate", CHECKSUM_FIELD));
            Set<String> certFields = new java.util.HashSet<>(Set.of("risk", "controller", "epsilon", "delta", "n",
                    "guarantee", "guarantee_text", "feasible", "index", "grid", "calibration_risk", "loss_transform",
                    "expected_saving", "certified_on"));
            if (v3) {
                top.add("exit_thresholds");
                certFields.add("configurations");
            }
            knownFields(m, "", top);
            knownFields(cert, "certificate.", certFields);
        }
        policy.checkRanges();
        Integrity integrity;
        if (!v2) {
            integrity = Integrity.ABSENT;
        } else {
            Object stored = m.remove(CHECKSUM_FIELD);
            integrity = stored instanceof String s && s.equalsIgnoreCase(FileDigest.sha256(canonicalJson(m)))
                    ? Integrity.VERIFIED : Integrity.MODIFIED;
        }
        return new Loaded(policy, (int) (long) v, integrity);
    }

    /**
     * The checks a policy must pass to be saved or read, beyond those of the constructors: the certificate's numbers
     * in range. A threshold set by hand (guarantee {@code none}) may leave ε, n and the index unset.
     */
    private void checkRanges() {
        Certificate c = certificate;
        if (confidence.isBlank()) throw new IllegalArgumentException("policy field 'confidence' is empty");
        if (c.risk().isBlank()) throw new IllegalArgumentException("policy field 'risk' is empty");
        if (c.controller().isBlank()) throw new IllegalArgumentException("policy field 'controller' is empty");
        boolean byHand = c.guarantee() == Guarantee.NONE;
        if (!(c.epsilon() > 0 && c.epsilon() < 1) && !(byHand && Double.isNaN(c.epsilon()))) {
            throw new IllegalArgumentException("policy field 'epsilon' must be in (0, 1), got " + c.epsilon());
        }
        if (!Double.isNaN(c.delta()) && !(c.delta() > 0 && c.delta() < 1)) {
            throw new IllegalArgumentException("policy field 'delta' must be in (0, 1) or null, got " + c.delta());
        }
        if (c.guarantee() == Guarantee.HIGH_PROBABILITY && Double.isNaN(c.delta())) {
            throw new IllegalArgumentException("policy field 'delta' is null, but its guarantee "
                    + c.guarantee().description() + " needs one");
        }
        if (c.n() < (byHand ? 0 : 1)) throw new IllegalArgumentException("policy field 'n' must be >= 1, got " + c.n());
        if (!byHand && c.gridIndex() < 0) {
            throw new IllegalArgumentException("policy field 'index' must be >= 0, got " + c.gridIndex());
        }
        if (!byHand && !c.feasible() && c.gridIndex() != 0) {
            throw new IllegalArgumentException("policy field 'feasible' is false but 'index' is " + c.gridIndex()
                    + ": an infeasible policy is the full model, index 0");
        }
        if (Double.isInfinite(c.calibrationRisk()) || Double.isInfinite(c.expectedSaving())) {
            throw new IllegalArgumentException("policy fields 'calibration_risk' and 'expected_saving' must be finite "
                    + "or null");
        }
    }

    /** Saves atomically as JSON, with its checksum. */
    public void save(Path file) throws IOException {
        checkRanges();
        byte[] bytes = toJson().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * Loads a saved policy and verifies it; the message names the file and the problem.
     *
     * @throws IOException if the file is missing or not a valid policy, its content does not match its checksum
     *     (edited), or it is a version-1 policy without one; {@link #read} reads the last two
     */
    public static ExitPolicy load(Path file) throws IOException {
        Loaded l = read(file);
        if (l.integrity() != Integrity.VERIFIED) {
            throw new IOException(file + ": not a verified exit policy: " + l.integrityProblem());
        }
        return l.policy();
    }

    /** Reads a saved policy without refusing it for its integrity, which the result reports (see {@link #parse}). */
    public static Loaded read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such policy file");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a valid exit policy: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ grid

    private static final Pattern UNIFORM = Pattern.compile("uniform\\((\\d{1,9})\\)");
    private static final Pattern VALUES = Pattern.compile("values\\((.*)\\)");

    /** {@code uniform(K)} for {@link LambdaGrid#uniform}(K) (the default grid is {@code uniform(101)}), else the values. */
    static String describe(LambdaGrid g) {
        if (g.size() >= 2 && g.equals(LambdaGrid.uniform(g.size()))) return "uniform(" + g.size() + ")";
        StringBuilder sb = new StringBuilder("values(");
        for (int k = 0; k < g.size(); k++) sb.append(k == 0 ? "" : ", ").append(g.lambda(k));
        return sb.append(')').toString();
    }

    static LambdaGrid parseGrid(String s) {
        try {
            Matcher u = UNIFORM.matcher(s.strip());
            if (u.matches()) return LambdaGrid.uniform(Integer.parseInt(u.group(1)));
            Matcher v = VALUES.matcher(s.strip());
            if (v.matches()) {
                String[] parts = v.group(1).split(",");
                double[] values = new double[parts.length];
                for (int k = 0; k < parts.length; k++) values[k] = Double.parseDouble(parts[k].strip());
                return LambdaGrid.of(values);
            }
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new IllegalArgumentException("policy JSON field 'grid' is not a valid grid ('" + s + "'): "
                    + e.getMessage(), e);
        }
        throw new IllegalArgumentException("policy JSON field 'grid' is '" + s + "'; expected uniform(K) or "
                + "values(λ_0, λ_1, ...)");
    }

    // ------------------------------------------------------------------ fields

    private static void knownFields(Map<String, Object> m, String prefix, Set<String> known) {
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("policy JSON has unknown field '" + prefix + k + "'");
            }
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

    /** A SHA-256 in hex, or null. */
    private static String hash(Map<String, Object> m, String key) {
        Object v = field(m, key);
        if (v == null) return null;
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("policy JSON field '" + key + "' is not a string (a SHA-256) or null");
        }
        return ExitOutputs.sha256Hex(s, "policy JSON field '" + key + "'");
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
        if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("policy JSON field '" + key + "' is out of range: " + x);
        }
        return x;
    }

    private static boolean bool(Map<String, Object> m, String key) {
        Object v = field(m, key);
        if (!(v instanceof Boolean b)) throw new IllegalArgumentException("policy JSON field '" + key + "' is not a boolean");
        return b;
    }
}
