package org.eennrc.experiments.data;

import java.util.List;
import java.util.Map;

/**
 * The data side of an experiment, bound by {@code ExperimentModule} according to {@code data.type}: it turns the
 * configured source (cached scores, an outputs file, a model trained here) into one {@link RiskInput} per risk.
 */
public interface ExperimentData {
    /** Loads (training a model first when needed) and builds the inputs of the given risks, in order. */
    List<RiskInput> load(List<String> risks, Log log) throws Exception;

    /** What was read or produced (paths, SHA-256, model cache folder...), for the report's provenance. */
    Map<String, Object> provenance();

    /** Sections the data add to the report (e.g. a segmentation picture grid), after {@link #load}; none by default. */
    default List<ReportSection> reportSections() {
        return List.of();
    }

    /** Progress lines (on stderr in the CLI). */
    @FunctionalInterface
    interface Log {
        Log NONE = line -> {};

        void info(String line);
    }
}
