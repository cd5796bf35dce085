/**
 * Learn then Test (docs/method.md §4, "Learn then Test"): the p-values
 * ({@link org.eennrc.risk.ltt.HoeffdingBentkusPValue}, the default; {@link org.eennrc.risk.ltt.BinomialPValue} for
 * 0-1 losses only) and the family-wise error procedures ({@link org.eennrc.risk.ltt.FixedSequenceTesting}, the
 * default; {@link org.eennrc.risk.ltt.Bonferroni}). New ones implement {@link org.eennrc.risk.PValue} or
 * {@link org.eennrc.risk.FwerProcedure}; {@link org.eennrc.risk.controllers.LttController} combines them.
 */
package org.eennrc.risk.ltt;
