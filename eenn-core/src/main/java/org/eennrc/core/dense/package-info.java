/**
 * Dense prediction (segmentation, and any per-pixel task) for risk control, without its pixels (docs/method.md §6).
 *
 * <p>{@link org.eennrc.core.dense.DenseConfidences} parses the image confidences (a per-pixel confidence aggregated by
 * mean, median, a low quantile or patches); {@link org.eennrc.core.dense.DenseRisk} names the per-image losses against
 * the full model with their bounds, computed by {@link org.eennrc.core.dense.DenseLosses};
 * {@link org.eennrc.core.dense.DenseOutputsBuilder} streams one image at a time and keeps only (N, L) tables, giving
 * table-only {@link org.eennrc.core.ExitOutputs} that the calibrator, loss-matrix builder and evaluation protocol use by
 * risk name (each dense risk is a {@link org.eennrc.core.TableRisk}) with the {@code provided} confidence.
 *
 * <p>No DL4J here: the network that produces the probabilities lives in eenn-models.
 */
package org.eennrc.core.dense;
