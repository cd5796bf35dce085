/**
 * Where an experiment's losses come from: cached score matrices ({@code CachedScoresData}), interchange outputs of
 * any model ({@code NpzOutputsSource}), or a built-in model trained (or reused from the cache by config hash) and
 * exported here ({@code FashionMnistResnetSource}, {@code WordNetTransformerSource}). Each becomes, per risk, a
 * {@link org.eennrc.experiments.data.RiskInput}: loss matrix, efficiency table, threshold grid and monotonicity
 * diagnostic (method.md §1–§3). A new source plugs in as an {@code OutputsSource} or {@code ExperimentData} bound in
 * {@code ExperimentModule}.
 */
package org.eennrc.experiments.data;
