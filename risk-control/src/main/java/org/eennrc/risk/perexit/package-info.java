/**
 * Per-exit thresholds certified by Pareto Testing (docs/method.md §7). A configuration λ = (λ_1, …, λ_{L−1}) exits
 * at the first l with c_l(x) > λ_l; {@link org.eennrc.risk.perexit.Configurations} is the finite family fixed before
 * the data (a product grid, or a seeded quasi-random sample plus the shared-λ diagonal);
 * {@link org.eennrc.risk.perexit.ExitTables} holds what every configuration is evaluated from (per-exit losses and
 * confidences, N × L, and the cumulative cost per exit); {@link org.eennrc.risk.perexit.ParetoTesting} is the
 * controller {@code pareto-ltt[-<procedure>[-<p-value>]]}, a {@link org.eennrc.risk.perexit.PerExitController};
 * {@link org.eennrc.risk.perexit.PerExitProtocol} runs the evaluation protocol of §5 on the same splits as the
 * shared-λ {@link org.eennrc.risk.protocol.Protocol}.
 */
package org.eennrc.risk.perexit;
