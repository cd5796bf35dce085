package org.eennrc.experiments.data;

import com.google.inject.Inject;
import java.util.Map;
import org.eennrc.core.ExitOutputs;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ExperimentConfig;

/**
 * The multi-exit transformer on WordNet definitions (issue 5). That model is not part of eenn-models yet, so this
 * source fails with a clear message instead of producing anything.
 */
public final class WordNetTransformerSource implements OutputsSource {
    private final ExperimentConfig config;

    @Inject
    public WordNetTransformerSource(ExperimentConfig config) {
        this.config = config;
    }

    @Override
    public ExitOutputs outputs(ExperimentData.Log log) {
        throw new ConfigException(String.valueOf(config.source), "model.type", "multi-exit-transformer is not available"
                + " yet: eenn-models has no WordNet transformer (issue 5). Export its outputs elsewhere and use a config"
                + " with data.type: outputs in the meantime.");
    }

    @Override
    public Map<String, Object> provenance() {
        return Map.of("model", "multi-exit-transformer (not available)");
    }
}
