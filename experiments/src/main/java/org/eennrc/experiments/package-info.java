/**
 * {@code eenn reproduce}: an experiment from a config file (see {@code config}), wired with Guice
 * ({@link org.eennrc.experiments.ExperimentModule}), run as the evaluation protocol of method.md §5 for every risk
 * and calibration size ({@link org.eennrc.experiments.Reproducer}), and written as a report folder with figures,
 * CSV/JSON, the claims of method.md §5 checked, and provenance ({@link org.eennrc.experiments.ReportWriter}).
 */
package org.eennrc.experiments;
