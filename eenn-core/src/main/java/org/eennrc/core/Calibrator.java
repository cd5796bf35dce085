package org.eennrc.core;

import java.util.List;
import java.util.Objects;
import org.eennrc.risk.CalibrationResult;
import org.eennrc.risk.Checks;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.RiskController;

/**
 * Calibration in one call, in the style of MAPIE's fit/predict: from per-exit outputs, a risk, a controller, ε and
 * δ to an {@link ExitPolicy} carrying its certificate (method.md §1–§4).
 *
 * <pre>{@code
 * Calibrator calibrator = Calibrator.builder()
 *         .risk("prediction-gap").controller("ucb-wsr").epsilon(0.05).delta(0.1)
 *         .build();
 * Split split = Split.random(outputs, 1000, 42);
 * ExitPolicy policy = calibrator.fit(split.calibration());
 * ExitResult d = policy.apply(split.test());
 * }</pre>
 *
 * <p>Names (risk, controller, confidence measure) are resolved through a {@link Registry}, by default
 * {@link Registry#current()}, so plug-ins work here as on the command line; instances can be given instead.
 * {@code eenn calibrate --outputs} is this class. Immutable and thread-safe.
 */
public final class Calibrator {
    private final Risk risk;
    private final RiskController controller;
    private final ConfidenceMeasure confidence;
    private final double epsilon;
    private final double delta;
    private final LambdaGrid grid;

    private Calibrator(Builder b) {
        Registry registry = b.registry != null ? b.registry : Registry.current();
        if (b.risk == null) throw new IllegalArgumentException("the calibrator needs a risk; known: " + registry.riskNames());
        if (b.controller == null) {
            throw new IllegalArgumentException("the calibrator needs a controller; known: " + registry.controllerNames());
        }
        if (b.epsilon == null) throw new IllegalArgumentException("the calibrator needs a tolerance epsilon in (0, 1)");
        this.risk = b.risk instanceof Risk r ? r : registry.risk((String) b.risk);
        this.controller = b.controller instanceof RiskController c ? c : registry.controller((String) b.controller);
        this.confidence = b.confidence == null ? registry.confidence(ConfidenceMeasures.DEFAULT)
                : b.confidence instanceof ConfidenceMeasure m ? m : registry.confidence((String) b.confidence);
        this.epsilon = Checks.epsilon(b.epsilon);
        this.delta = Checks.delta(b.delta);
        this.grid = b.grid;
    }

    /** A builder with δ = 0.1, the {@code max-softmax} confidence and the grid 1.00, 0.99, …, 0.00. */
    public static Builder builder() {
        return new Builder();
    }

    /** The certified policy for these calibration outputs: {@code calibrate(calibration).policy()}. */
    public ExitPolicy fit(ExitOutputs calibration) {
        return calibrate(calibration).policy();
    }

    /**
     * Builds the loss matrix of the risk on the grid (method.md §1, O(N (L + K))), lets the controller pick the
     * threshold, and returns the policy with everything the CLI reports. The policy's certificate records the grid and
     * what it was certified on ({@link ExitPolicy.CertifiedOn#of}: the outputs' content hash, and their file and
     * model hashes when they carry them), the same whether the outputs came from {@code eenn calibrate --outputs} or
     * from Java.
     *
     * @throws IllegalArgumentException if the risk needs labels the outputs lack, or the outputs do not suit the
     *     confidence measure (e.g. {@code provided} without a confidence array)
     */
    public Result calibrate(ExitOutputs calibration) {
        Objects.requireNonNull(calibration, "calibration outputs");
        LossMatrixBuilder builder = new LossMatrixBuilder(calibration, confidence, grid);
        LossMatrix losses = builder.build(risk);
        CalibrationResult r = controller.prepare(losses, delta).select(epsilon);
        Efficiency eff = builder.efficiency();
        int k = r.index();
        ExitPolicy policy = ExitPolicy.from(confidence.name(), grid, r, risk.name(), calibration.numExits(),
                eff.saving(k), ExitPolicy.CertifiedOn.of(calibration));
        return new Result(policy, r, losses.upperBound(), eff.saving(k), eff.meanExitLayer(k), eff.fromFlops(),
                MonotonicityDiagnostic.of(builder, risk).warnings());
    }

    /**
     * What one calibration gives.
     *
     * @param policy the exit policy with its certificate
     * @param calibration the controller's result (index, per-λ statistic, guarantee)
     * @param bound B, the risk's upper bound on the loss
     * @param expectedSaving the relative compute saving at λ̂ on the calibration outputs
     * @param meanExitLayer the mean 1-based exit layer at λ̂ on the calibration outputs
     * @param savingFromFlops true when the saving is measured in the outputs' FLOPs, false when in exit indices
     * @param warnings marginal-monotonicity warnings for the risk (method.md §3); empty when clearly monotone
     */
    public record Result(ExitPolicy policy, CalibrationResult calibration, double bound, double expectedSaving,
                         double meanExitLayer, boolean savingFromFlops, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    public Risk risk() {
        return risk;
    }

    public RiskController controller() {
        return controller;
    }

    public ConfidenceMeasure confidence() {
        return confidence;
    }

    public double epsilon() {
        return epsilon;
    }

    public double delta() {
        return delta;
    }

    public LambdaGrid grid() {
        return grid;
    }

    /** A builder holding this calibrator's settings (to change one of them). */
    public Builder toBuilder() {
        return new Builder().risk(risk).controller(controller).confidence(confidence).epsilon(epsilon).delta(delta)
                .grid(grid);
    }

    /** Collects the settings; names are resolved by {@link #build()}. */
    public static final class Builder {
        private Object risk;
        private Object controller;
        private Object confidence;
        private Double epsilon;
        private double delta = 0.1;
        private LambdaGrid grid = LambdaGrid.standard();
        private Registry registry;

        private Builder() {}

        /** A risk by name, e.g. {@code prediction-gap} (method.md §2), or a plug-in's. */
        public Builder risk(String name) {
            this.risk = Objects.requireNonNull(name, "risk");
            return this;
        }

        public Builder risk(Risk r) {
            this.risk = Objects.requireNonNull(r, "risk");
            return this;
        }

        /** A controller by name, e.g. {@code crc}, {@code ucb-wsr}, {@code ltt-fst} (see {@code eenn controllers}). */
        public Builder controller(String name) {
            this.controller = Objects.requireNonNull(name, "controller");
            return this;
        }

        public Builder controller(RiskController c) {
            this.controller = Objects.requireNonNull(c, "controller");
            return this;
        }

        /** A confidence measure by name (default {@code max-softmax}; method.md §1). */
        public Builder confidence(String name) {
            this.confidence = Objects.requireNonNull(name, "confidence");
            return this;
        }

        public Builder confidence(ConfidenceMeasure m) {
            this.confidence = Objects.requireNonNull(m, "confidence");
            return this;
        }

        /** The tolerance ε in (0, 1). */
        public Builder epsilon(double e) {
            this.epsilon = e;
            return this;
        }

        /** The error level δ in (0, 1) of high-probability controllers (default 0.1). */
        public Builder delta(double d) {
            this.delta = d;
            return this;
        }

        /** The threshold grid (default 1.00, 0.99, …, 0.00). */
        public Builder grid(LambdaGrid g) {
            this.grid = Objects.requireNonNull(g, "grid");
            return this;
        }

        /** The registry names are resolved in (default {@link Registry#current()}). */
        public Builder registry(Registry r) {
            this.registry = Objects.requireNonNull(r, "registry");
            return this;
        }

        /**
         * @throws IllegalArgumentException when a setting is missing, a name is unknown (the message lists the known
         *     ones), or ε or δ lies outside (0, 1)
         */
        public Calibrator build() {
            return new Calibrator(this);
        }
    }
}
