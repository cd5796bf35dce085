/**
 * The evaluation protocol of docs/method.md §5: {@link org.eennrc.risk.protocol.Protocol} splits a pool at random
 * into calibration and test sets T times (seeded, independent of the thread count), lets every controller pick a
 * threshold for every ε, and summarises test risk, violation rate and cost in
 * {@link org.eennrc.risk.protocol.ProtocolRow}s. Inputs: a {@link org.eennrc.risk.LossMatrix}, an
 * {@link org.eennrc.risk.protocol.EfficiencyTable} (cost per threshold, or per threshold and sample) and
 * {@link org.eennrc.risk.protocol.ProtocolSettings}; {@link org.eennrc.risk.protocol.ProgressListener} reports
 * progress, and a {@link org.eennrc.risk.protocol.SelectionListener} is told every selected threshold (for the
 * permutation baselines of method.md §6).
 */
package org.eennrc.risk.protocol;
