package org.eennrc.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BERT mode of {@link WordPieceTokenizer}, by hand (the equivalence with the reference is MiniLmEquivalenceTest). */
class BertTokenizerTest {
    static final List<String> VOCAB = List.of("[PAD]", "[unused0]", "[UNK]", "[CLS]", "[SEP]", "cafe", "au", "lait",
            ",", "!", "naive", "x", "un", "##aff", "##able", "(", ")");

    @Test
    void basicTokenisationFollowsBert() {
        // accents stripped, lower case, punctuation split; a symbol (©, category So) stays inside its word
        assertThat(WordPieceTokenizer.bertPreTokenize("Café au LAIT, naïve! ©2024\tx\u00a0y"))
                .containsExactly("cafe", "au", "lait", ",", "naive", "!", "©2024", "x", "y");
        // CJK ideographs are words of their own; control characters are dropped
        assertThat(WordPieceTokenizer.bertPreTokenize("東京\u0007ab")).containsExactly("東", "京", "ab");
        // the project mode splits every non-alphanumeric character and keeps accents
        assertThat(WordPieceTokenizer.preTokenize("Café ©2024")).containsExactly("café", "©", "2024");
    }

    @Test
    void encodesWithClsAndSepAndTruncatesBeforeSep() {
        WordPieceTokenizer t = WordPieceTokenizer.bert(VOCAB, 8);
        assertThat(t.isBert()).isTrue();
        assertThat(t.clsId()).isEqualTo(3);
        assertThat(t.sepId()).isEqualTo(4);
        assertThat(t.encode("Unaffable (x)")).containsExactly(3, 12, 13, 14, 15, 11, 16, 4);
        // too long: [CLS] + 6 pieces + [SEP]
        assertThat(t.encode("unaffable unaffable x")).containsExactly(3, 12, 13, 14, 12, 13, 14, 4);
        // unknown word: one [UNK] (id looked up by name); padding with [PAD]
        assertThat(t.encode("cafe zebra")).containsExactly(3, 5, 2, 4, 0, 0, 0, 0);
        assertThat(t.fullLength("unaffable unaffable x")).isEqualTo(9);
        assertThat(t.decode(t.encode("Unaffable (x)"))).isEqualTo("unaffable ( x )");
    }

    @Test
    void savesAndLoadsInBertMode(@TempDir Path tmp) {
        WordPieceTokenizer t = WordPieceTokenizer.bert(VOCAB, 8);
        t.save(tmp.resolve("vocab.txt"));
        WordPieceTokenizer back = WordPieceTokenizer.load(tmp.resolve("vocab.txt"));
        assertThat(back.isBert()).isTrue();
        assertThat(back.encode("Café au lait!")).containsExactly(t.encode("Café au lait!"));
    }

    @Test
    void refusesWhatItDoesNotImplement() {
        assertThatThrownBy(() -> WordPieceTokenizer.bert(List.of("[PAD]", "[UNK]", "[CLS]"), 8))
                .hasMessageContaining("[SEP]");
        assertThatThrownBy(() -> WordPieceTokenizer.bert(List.of("[UNK]", "[PAD]", "[CLS]", "[SEP]"), 8))
                .hasMessageContaining("[PAD] must have id 0");
        String bpe = "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}";
        assertThatThrownBy(() -> WordPieceTokenizer.fromTokenizerJson(stream(bpe), 8))
                .hasMessageContaining("only WordPiece");
        String cased = "{\"normalizer\": {\"type\": \"BertNormalizer\", \"lowercase\": false},"
                + " \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[PAD]\": 0}}}";
        assertThatThrownBy(() -> WordPieceTokenizer.fromTokenizerJson(stream(cased), 8))
                .hasMessageContaining("not an uncased BertNormalizer");
        String holes = "{\"normalizer\": {\"type\": \"BertNormalizer\", \"lowercase\": true},"
                + " \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[PAD]\": 0, \"[UNK]\": 5}}}";
        assertThatThrownBy(() -> WordPieceTokenizer.fromTokenizerJson(stream(holes), 8))
                .hasMessageContaining("vocabulary ids are not 0..1");
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
