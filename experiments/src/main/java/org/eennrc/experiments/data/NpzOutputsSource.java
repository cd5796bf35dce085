package org.eennrc.experiments.data;

import com.google.inject.Inject;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ExperimentConfig;

/** Outputs of a model trained elsewhere, in the interchange .npz ({@code data.type: outputs}). */
public final class NpzOutputsSource implements OutputsSource {
    private final ExperimentConfig config;
    private final ExperimentConfig.Outputs data;

    @Inject
    public NpzOutputsSource(ExperimentConfig config) {
        this.config = config;
        this.data = (ExperimentConfig.Outputs) config.data;
    }

    @Override
    public ExitOutputs outputs(ExperimentData.Log log) {
        log.info("reading outputs " + data.path);
        try {
            return ExitOutputsNpz.read(data.path);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(String.valueOf(config.source), "data.path", e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outputs", Files2.describe(data.path));
        return m;
    }
}
