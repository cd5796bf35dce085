/**
 * From a model's per-exit outputs to loss matrices: the exit rule, confidence measures, risks and efficiency
 * (docs/method.md §1–§2, §5). Pure Java; depends only on {@code risk-control}.
 *
 * <p>Main types: {@link org.eennrc.core.ExitOutputs} (per-exit distributions, labels, cumulative FLOPs; read and
 * written as the interchange {@code .npz} by {@link org.eennrc.core.ExitOutputsNpz}),
 * {@link org.eennrc.core.ExitRule} and {@link org.eennrc.core.ExitTable} (§1),
 * {@link org.eennrc.core.LossMatrixBuilder} (every risk's loss matrix in O(N (L + K)), §1),
 * {@link org.eennrc.core.Risks} (the five risks of §2), {@link org.eennrc.core.ConfidenceMeasures} (§1),
 * {@link org.eennrc.core.Efficiency} (cost and saving per threshold, §5),
 * {@link org.eennrc.core.MonotonicityDiagnostic} (§3), {@link org.eennrc.core.ExitPolicy} (a calibrated
 * threshold with its certificate, saved as JSON and applied to new outputs; one threshold per exit in format
 * version 3) and {@link org.eennrc.core.PerExitCalibrator} (per-exit thresholds certified by Pareto Testing, §7).
 *
 * <p>Dense tasks (§6): {@link org.eennrc.core.LossTable} (a per-exit loss table with declared bounds, carried by
 * {@link org.eennrc.core.ExitOutputs}, which may hold only tables), {@link org.eennrc.core.TableRisk} (a risk read
 * from such a table, by name), {@link org.eennrc.core.PermutationBaselines} and {@link org.eennrc.core.JointControl};
 * the streaming builder and the dense confidences and losses are in {@code org.eennrc.core.dense}.
 *
 * <p>Plug-in seams: {@link org.eennrc.core.ConfidenceMeasure} and {@link org.eennrc.core.Risk}; pass an instance to
 * {@link org.eennrc.core.LossMatrixBuilder}.
 */
package org.eennrc.core;
