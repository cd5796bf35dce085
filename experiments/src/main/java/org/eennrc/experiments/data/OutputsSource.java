package org.eennrc.experiments.data;

import java.util.Map;
import org.eennrc.core.ExitOutputs;

/**
 * Provides per-exit outputs: read from an interchange .npz, or produced by a model trained (or reused from the
 * cache) here. Bound by {@code ExperimentModule} according to {@code data.type}.
 */
public interface OutputsSource {
    ExitOutputs outputs(ExperimentData.Log log) throws Exception;

    /** Where the outputs came from, for provenance. */
    Map<String, Object> provenance();

    /** Sections for the report, after {@link #outputs}; none by default. */
    default java.util.List<ReportSection> reportSections() {
        return java.util.List.of();
    }
}
