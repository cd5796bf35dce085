package org.eennrc.experiments.data;

import java.nio.file.Path;
import org.eennrc.experiments.config.ExperimentConfig.ModelConfig;

/**
 * Command-line choices that are not part of the experiment: a model cache folder overriding the config's, and
 * whether to retrain even when a cached model matches.
 */
public record RunOptions(Path cacheDir, boolean retrain) {
    public static final RunOptions DEFAULTS = new RunOptions(null, false);

    /**
     * The cache folder of one trained model: {@code <root>/<name>}, where the root is {@code --cache-dir}, else the
     * config's {@code model.cache_dir}, else {@code ~/.cache/eenn-rc/models}.
     */
    public Path modelDir(ModelConfig model, String name) {
        Path root = cacheDir != null ? cacheDir
                : model.cacheDir != null ? model.cacheDir
                : Path.of(System.getProperty("user.home"), ".cache", "eenn-rc", "models");
        return root.resolve(name);
    }
}
