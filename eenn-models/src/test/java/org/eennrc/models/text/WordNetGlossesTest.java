package org.eennrc.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordNetGlossesTest {
    @Test
    void parsesTheFixtureSkippingTheLicenceHeader() {
        List<WordNetGlosses.Gloss> g = TextFixtures.glosses();
        assertThat(g).hasSize(514);
        WordNetGlosses.Gloss first = g.get(0);
        assertThat(first.offset()).isEqualTo(1740L);
        assertThat(first.label()).isEqualTo(0); // noun.Tops
        assertThat(first.text()).isEqualTo("that which is perceived or known or inferred to have its own distinct "
                + "existence (living or nonliving)");
        assertThat(g).allSatisfy(x -> {
            assertThat(x.label()).isBetween(0, 25);
            assertThat(x.text()).isNotBlank().doesNotContain("\"").isEqualTo(x.text().toLowerCase());
        });
    }

    @Test
    void cleaningDropsQuotedExamplesAndLowercases() {
        assertThat(WordNetGlosses.clean("a Person who sells; \"he is a dealer\"; \"another\"  "))
                .isEqualTo("a person who sells");
        assertThat(WordNetGlosses.clean("the act of X;  the result of Y; \"ex\""))
                .isEqualTo("the act of x; the result of y");
        assertThat(WordNetGlosses.clean("\"only an example\"")).isEqualTo("\"only an example\"");
        assertThat(WordNetGlosses.clean("United States  physiologist (1899-1982)  "))
                .isEqualTo("united states physiologist (1899-1982)");
    }

    @Test
    void splitIsDeterministicDisjointAndRoughly80_10_10() {
        List<WordNetGlosses.Gloss> g = TextFixtures.glosses();
        WordNetGlosses.Splits a = WordNetGlosses.split(g, WordNetGlosses.DEFAULT_SPLIT_SEED);
        List<WordNetGlosses.Gloss> rev = new java.util.ArrayList<>(g);
        java.util.Collections.reverse(rev);
        WordNetGlosses.Splits b = WordNetGlosses.split(rev, WordNetGlosses.DEFAULT_SPLIT_SEED);
        assertThat(a.train().size() + a.validation().size() + a.test().size()).isEqualTo(g.size());
        assertThat(a.test()).containsExactlyInAnyOrderElementsOf(b.test());
        assertThat(a.train().size()).isBetween(360, 460);
        assertThat(a.test().size()).isBetween(25, 80);
        assertThat(a.train()).doesNotContainAnyElementsOf(a.test()).doesNotContainAnyElementsOf(a.validation());
    }

    @Test
    void missingDataNamesThePathAndThePackage(@TempDir Path tmp) {
        assertThatThrownBy(() -> WordNetGlosses.load(tmp))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(tmp.resolve("data.noun").toString())
                .hasMessageContaining("apt-get install wordnet-base");
    }

    @Test
    void fullDebianFileHas82115Glosses() {
        if (!Files.isRegularFile(WordNetGlosses.DEBIAN_DIR.resolve(WordNetGlosses.FILE))) {
            return; // wordnet-base not installed here; the fixture tests above still run
        }
        List<WordNetGlosses.Gloss> all = WordNetGlosses.load(null);
        assertThat(all).hasSize(82_115);
        WordNetGlosses.Splits s = WordNetGlosses.split(all, WordNetGlosses.DEFAULT_SPLIT_SEED);
        assertThat(s.test().size()).isBetween(7800, 8600);
    }
}
