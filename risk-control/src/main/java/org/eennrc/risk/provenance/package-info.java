/**
 * Provenance of results: one typed record ({@link org.eennrc.risk.provenance.Provenance}) saved as
 * {@code provenance.json} next to every result, the SHA-256 of input files and plug-in jars
 * ({@link org.eennrc.risk.provenance.FileDigest}), and the version and commit of the build
 * ({@link org.eennrc.risk.provenance.BuildInfo}, a resource written by Maven, so that no process is started and no
 * user directory is inspected at run time).
 */
package org.eennrc.risk.provenance;
