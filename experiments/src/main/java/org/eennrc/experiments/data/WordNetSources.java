package org.eennrc.experiments.data;

import org.eennrc.core.ExitOutputs;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.models.text.WordNetGlosses;

/**
 * What the WordNet sources ({@link WordNetTransformerSource}, {@link WordNetMiniLmSource}) share: the checks of the
 * {@code data} section and the {@code data.eval_size} cut of the exported test outputs.
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

    /** The first {@code data.eval_size} test samples (all of them when it is unset, 0, or not smaller). */
    static ExitOutputs evalSubset(ExitOutputs o, ExperimentConfig.WordNet data) {
        if (data.evalSize != null && data.evalSize > 0 && data.evalSize < o.numSamples()) {
            int[] first = new int[data.evalSize];
            for (int i = 0; i < first.length; i++) first[i] = i;
            return o.subset(first);
        }
        return o;
    }
}
