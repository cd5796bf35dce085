package org.eennrc.models.text;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** A 514-synset excerpt of WordNet 3.0 data.noun (every 160th synset, licence header kept) in test resources. */
final class TextFixtures {
    private TextFixtures() {
    }

    static Path dir() {
        try {
            return Path.of(TextFixtures.class.getResource("data.noun").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<WordNetGlosses.Gloss> glosses() {
        return WordNetGlosses.load(dir());
    }

    static TransformerConfig tiny(int vocab) {
        return new TransformerConfig(vocab, 16, 16, 2, 32, 3, WordNetGlosses.NUM_CLASSES, 7);
    }
}
