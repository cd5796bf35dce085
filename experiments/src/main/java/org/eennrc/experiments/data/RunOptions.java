package org.eennrc.experiments.data;

import java.nio.file.Path;

/**
 * Command-line choices that are not part of the experiment: a model cache folder overriding the config's, and
 * whether to retrain even when a cached model matches.
 */
public record RunOptions(Path cacheDir, boolean retrain) {
    public static final RunOptions DEFAULTS = new RunOptions(null, false);
}
