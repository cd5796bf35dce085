package org.eennrc.core;

import java.util.Objects;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.LambdaGrid;

/**
 * Joint control of two risks at once (method.md §6, "joint control"), e.g. a prediction risk and a distribution risk:
 * each risk is calibrated on its own at its own ε, and the more conservative of the two thresholds is used,
 * k̂_J = min(k̂_1, k̂_2) (the larger λ). For a high-probability controller the error level is split, δ_1 + δ_2 = δ
 * (δ/2 each by default), so that by the union bound P(R_1(λ̂_J) ≤ ε_1 and R_2(λ̂_J) ≤ ε_2) ≥ 1 − δ; for the
 * expectation controllers (CRC) δ plays no part and each expectation bound holds on its own. Both statements assume
 * that a more conservative threshold than a risk's own λ̂ keeps that risk's certificate: fixed-sequence LTT certifies
 * every threshold up to λ̂; CRC and the UCB scan rely on the monotonicity of method.md §3.
 *
 * <pre>{@code
 * Calibrator first = Calibrator.builder().risk("miscoverage").epsilon(0.05).controller("ucb-wsr").delta(0.1)
 *         .confidence("provided").build();
 * JointControl joint = JointControl.split(first, "pixel-brier-sampled", 0.1, 0.5);   // δ/2 each
 * JointControl.Result r = joint.calibrate(calibrationOutputs);                        // r.lambda(), r.index()
 * }</pre>
 *
 * Immutable.
 */
public final class JointControl {
    private final Calibrator first;
    private final Calibrator second;
    private final double delta;

    private JointControl(Calibrator first, Calibrator second, double delta) {
        this.first = first;
        this.second = second;
        this.delta = delta;
    }

    /**
     * Joint control of {@code base}'s risk at its ε and of a second risk at {@code secondEpsilon}, with the same
     * controller, confidence and grid. A high-probability controller runs the first risk at δ·share and the second at
     * δ·(1 − share), δ being {@code base}'s; other controllers run both at δ (unused by their guarantee).
     *
     * @param share the first risk's fraction of δ, in (0, 1); 0.5 splits it evenly
     * @throws IllegalArgumentException if share lies outside (0, 1) or the second risk's name is unknown
     */
    public static JointControl split(Calibrator base, String secondRisk, double secondEpsilon, double share) {
        return split(base, Registry.current().risk(secondRisk), secondEpsilon, share);
    }

    /** As {@link #split(Calibrator, String, double, double)} with a risk instance. */
    public static JointControl split(Calibrator base, Risk secondRisk, double secondEpsilon, double share) {
        Objects.requireNonNull(base, "base calibrator");
        Objects.requireNonNull(secondRisk, "second risk");
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("the first risk's share of delta must be in (0, 1), got " + share);
        }
        double delta = base.delta();
        boolean highProbability = base.controller().guarantee() == Guarantee.HIGH_PROBABILITY;
        double d1 = highProbability ? delta * share : delta;
        double d2 = highProbability ? delta * (1 - share) : delta;
        Calibrator first = base.toBuilder().delta(d1).build();
        Calibrator second = base.toBuilder().risk(secondRisk).epsilon(secondEpsilon).delta(d2).build();
        return new JointControl(first, second, delta);
    }

    /** The calibrator of the first risk (at its share of δ). */
    public Calibrator first() {
        return first;
    }

    /** The calibrator of the second risk (at its share of δ). */
    public Calibrator second() {
        return second;
    }

    /** The joint error level δ = δ_1 + δ_2 of a high-probability controller (the base calibrator's δ). */
    public double delta() {
        return delta;
    }

    /** Calibrates both risks on the same calibration outputs and takes the more conservative threshold. */
    public Result calibrate(ExitOutputs calibration) {
        Calibrator.Result a = first.calibrate(calibration);
        Calibrator.Result b = second.calibrate(calibration);
        int index = Math.min(a.calibration().index(), b.calibration().index());
        LambdaGrid grid = first.grid();
        return new Result(index, grid.lambda(index), a.calibration().feasible() && b.calibration().feasible(), a, b,
                first.delta(), second.delta(), first.controller().guarantee());
    }

    /**
     * The joint decision.
     *
     * @param index k̂_J = min(k̂_1, k̂_2)
     * @param lambda λ̂_J on the grid
     * @param feasible whether both risks were certified (otherwise k̂_J = 0: the full model)
     * @param deltaFirst δ_1 the first risk was calibrated at
     * @param deltaSecond δ_2 the second risk was calibrated at
     */
    public record Result(int index, double lambda, boolean feasible, Calibrator.Result first, Calibrator.Result second,
                         double deltaFirst, double deltaSecond, Guarantee guarantee) {}
}
