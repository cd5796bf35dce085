package org.eennrc.models.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTokenizerTest {
    private static final List<String> TEXTS = WordNetGlosses.texts(TextFixtures.glosses());

    @Test
    void preTokenizationSplitsPunctuation() {
        assertThat(WordPieceTokenizer.preTokenize("United States physiologist (1899-1982); x"))
                .containsExactly("united", "states", "physiologist", "(", "1899", "-", "1982", ")", ";", "x");
    }

    @Test
    void roundTripsEveryTrainingText() {
        WordPieceTokenizer t = WordPieceTokenizer.train(TEXTS, 600, 256, 1);
        assertThat(t.vocabSize()).isEqualTo(600);
        int multiPiece = 0;
        for (String s : TEXTS) {
            int[] e = t.encode(s);
            assertThat(e[0]).isEqualTo(WordPieceTokenizer.CLS_ID);
            assertThat(e).hasSize(256);
            assertThat(t.decode(e)).isEqualTo(WordPieceTokenizer.normalize(s));
            if (t.pieces(s).length > WordPieceTokenizer.preTokenize(s).size()) {
                multiPiece++;
            }
        }
        assertThat(multiPiece).as("some words are split into several pieces").isGreaterThan(10);
    }

    @Test
    void mergesShortenTheEncoding() {
        WordPieceTokenizer small = WordPieceTokenizer.train(TEXTS, 80, 64, 1);
        WordPieceTokenizer big = WordPieceTokenizer.train(TEXTS, 1500, 64, 1);
        long a = TEXTS.stream().mapToLong(s -> small.pieces(s).length).sum();
        long b = TEXTS.stream().mapToLong(s -> big.pieces(s).length).sum();
        assertThat(b).isLessThan(a / 2);
        assertThat(big.id("the")).isGreaterThan(WordPieceTokenizer.CLS_ID);
    }

    @Test
    void unknownCharactersTruncationAndPadding() {
        WordPieceTokenizer t = WordPieceTokenizer.train(TEXTS, 300, 6, 1);
        int[] e = t.encode("the \u4e2d\u6587 of");
        assertThat(e[0]).isEqualTo(WordPieceTokenizer.CLS_ID);
        assertThat(e).contains(WordPieceTokenizer.UNK_ID);
        assertThat(t.decode(e)).isEqualTo("the [UNK] of");
        assertThat(e[e.length - 1]).isEqualTo(WordPieceTokenizer.PAD_ID);
        assertThat(WordPieceTokenizer.length(e)).isEqualTo(4);
        int[] longOne = t.encode("a b c d e f g h i");
        assertThat(longOne).hasSize(6).doesNotContain(WordPieceTokenizer.PAD_ID);
        assertThat(t.decode(longOne)).isEqualTo("a b c d e");
    }

    @Test
    void saveAndLoadGiveTheSameEncoding(@TempDir Path tmp) {
        WordPieceTokenizer t = WordPieceTokenizer.train(TEXTS, 400, 24, 1);
        t.save(tmp.resolve("vocab.txt"));
        WordPieceTokenizer u = WordPieceTokenizer.load(tmp.resolve("vocab.txt"));
        assertThat(u.vocabulary()).isEqualTo(t.vocabulary());
        assertThat(u.maxLength()).isEqualTo(24);
        for (String s : TEXTS) {
            assertThat(u.encode(s)).isEqualTo(t.encode(s));
        }
    }

    @Test
    void trainingIsDeterministic() {
        assertThat(WordPieceTokenizer.train(TEXTS, 500, 16, 1).vocabulary())
                .isEqualTo(WordPieceTokenizer.train(TEXTS, 500, 16, 1).vocabulary());
    }
}
