/**
 * Experiment configs: {@link org.eennrc.experiments.config.ExperimentConfig}, read from YAML or JSON by
 * {@link org.eennrc.experiments.config.ConfigLoader}, which rejects unknown keys and bad values with
 * {@code file: key.path: problem}, resolves relative paths (data paths against the config's data folder) and checks
 * that input files exist. {@code docs/user-guide.md} lists every key.
 */
package org.eennrc.experiments.config;
