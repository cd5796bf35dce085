/**
 * The built-in controllers (docs/method.md §4): {@link org.eennrc.risk.controllers.EmpiricalRiskController}
 * ({@code naive}, {@code crc}, {@code crc-prefix}), {@link org.eennrc.risk.controllers.UcbController} (one per
 * {@link org.eennrc.risk.UpperBound}) and {@link org.eennrc.risk.controllers.LttController} (one per p-value and
 * family-wise error procedure). Each prepares its per-λ statistics once per calibration set and answers a whole ε
 * grid. A new controller implements {@link org.eennrc.risk.RiskController}; it does not need to live here.
 */
package org.eennrc.risk.controllers;
