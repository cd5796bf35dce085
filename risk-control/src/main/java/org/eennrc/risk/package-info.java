/**
 * Risk control for a threshold grid: pick the most aggressive early-exit threshold whose risk is certified to stay
 * below ε (docs/method.md §3–§4). Knows nothing about networks: its input is a matrix ℓ[k][i] of losses per
 * threshold and sample.
 *
 * <p>Main types: {@link org.eennrc.risk.LossMatrix} (the losses with their declared bound B, §2),
 * {@link org.eennrc.risk.LambdaGrid} (the grid, §1), {@link org.eennrc.risk.RiskController} and its
 * {@link org.eennrc.risk.CalibrationResult} (§4), {@link org.eennrc.risk.Guarantee} (§3) and
 * {@link org.eennrc.risk.LossTransform} (§2). One threshold per exit, certified by Pareto Testing (§7), is in
 * {@code org.eennrc.risk.perexit}.
 *
 * <p>Plug-in seams: {@link org.eennrc.risk.RiskController} (a whole controller),
 * {@link org.eennrc.risk.UpperBound} (gives {@code ucb-<name>}), {@link org.eennrc.risk.PValue} and
 * {@link org.eennrc.risk.FwerProcedure} (give {@code ltt-<procedure>[-<p-value>]}); each is bound by name in
 * {@link org.eennrc.risk.inject.RiskControlModule}.
 */
package org.eennrc.risk;
