/**
 * Helpers shared by the eenn-rc modules that are not part of the public API (they may change without notice).
 */
package org.eennrc.risk.internal;
