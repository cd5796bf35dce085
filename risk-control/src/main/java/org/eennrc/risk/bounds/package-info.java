/**
 * The built-in upper confidence bounds of the UCB controllers (docs/method.md §4, "Upper confidence bounds"):
 * Hoeffding, Bentkus, Hoeffding–Bentkus on losses clipped and scaled to [0, 1], and the Waudby-Smith–Ramdas betting
 * bound on the raw losses. {@link org.eennrc.risk.bounds.Tails} holds the tail inequalities and root finding they
 * share with the LTT p-values. A new bound implements {@link org.eennrc.risk.UpperBound}.
 */
package org.eennrc.risk.bounds;
