package org.eennrc.experiments.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.models.text.WordNetGlosses;

/**
 * What the WordNet sources ({@link WordNetTransformerSource}, {@link WordNetMiniLmSource}) share: the checks of the
 * {@code data} section, and reusing or exporting the test outputs with the {@code data.eval_size} cut.
 */
final class WordNetSources {
    private WordNetSources() {}

    /**
     * The split seed of the {@code data} section, checked along with {@code data.eval_size}.
     *
     * @throws ConfigException if the seed is not eenn-models' fixed WordNet split seed or eval_size is negative
     */
    static long checkedSplitSeed(ExperimentConfig config, ExperimentConfig.WordNet data) {
        String where = String.valueOf(config.source);
        long splitSeed = data.splitSeed == null ? WordNetGlosses.DEFAULT_SPLIT_SEED : data.splitSeed;
        if (splitSeed != WordNetGlosses.DEFAULT_SPLIT_SEED) {
            throw new ConfigException(where, "data.split_seed", "eenn-models' WordNet split is fixed at seed "
                    + WordNetGlosses.DEFAULT_SPLIT_SEED + " (by synset offset); got " + splitSeed);
        }
        if (data.evalSize != null && data.evalSize < 0) {
            throw new ConfigException(where, "data.eval_size", "must be >= 0 (0: every test gloss), got " + data.evalSize);
        }
        return splitSeed;
    }

    /** Exports the outputs of every exit on the test glosses into the npz file and returns them. */
    interface Export {
        ExitOutputs run() throws Exception;
    }

    /**
     * The test outputs: the cached npz if there is one, else {@code export}'s; then the first {@code data.eval_size}
     * samples. Records {@code outputs} (the npz file) and {@code samples} in the provenance.
     */
    static ExitOutputs testOutputs(Path npz, Export export, ExperimentConfig.WordNet data,
            Map<String, Object> provenance, ExperimentData.Log log) throws Exception {
        ExitOutputs o;
        if (Files.isRegularFile(npz)) {
            log.info("reusing exported outputs " + npz);
            o = ExitOutputsNpz.read(npz);
        } else {
            log.info("exporting the outputs of every exit on the test glosses to " + npz);
            o = export.run();
        }
        provenance.put("outputs", Files2.describe(npz));
        o = evalSubset(o, data);
        provenance.put("samples", o.numSamples());
        return o;
    }

    /** The first {@code data.eval_size} test samples (all of them when it is unset, 0, or not smaller). */
    private static ExitOutputs evalSubset(ExitOutputs o, ExperimentConfig.WordNet data) {
        if (data.evalSize != null && data.evalSize > 0 && data.evalSize < o.numSamples()) {
            int[] first = new int[data.evalSize];
            for (int i = 0; i < first.length; i++) first[i] = i;
            return o.subset(first);
        }
        return o;
    }
}
