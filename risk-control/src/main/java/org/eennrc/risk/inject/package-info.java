/**
 * The Guice wiring of the controllers: {@link org.eennrc.risk.inject.RiskControlModule} binds the built-in
 * controllers, upper bounds, p-values and family-wise error procedures by name in four map binders, the plug-in
 * seams a user's module adds to; {@link org.eennrc.risk.inject.ControllerRegistry} composes them into the
 * controller names of docs/method.md §4 ({@code crc}, {@code ucb-wsr}, {@code ltt-fst}, …) and resolves names with
 * errors that list the known ones.
 */
package org.eennrc.risk.inject;
