/**
 * File formats: NumPy {@code .npy} and {@code .npz} ({@link org.eennrc.risk.io.Npy}, {@link org.eennrc.risk.io.Npz},
 * {@link org.eennrc.risk.io.NpyArray}), loss matrices and vectors from {@code .npy} or {@code .csv}
 * ({@link org.eennrc.risk.io.MatrixFiles}; one row per threshold, λ = 1 first, docs/method.md §4), and
 * {@link org.eennrc.risk.io.AtomicFiles}, which every result file goes through so that an interrupted run never
 * leaves a half-written file.
 */
package org.eennrc.risk.io;
