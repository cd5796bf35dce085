package org.eennrc.models.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.eennrc.models.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Java MiniLM-L6 (SameDiff, weights read from the ONNX file) against the same jar run by its own library:
 * langchain4j's {@code AllMiniLmL6V2EmbeddingModel} (ONNX Runtime) for the sentence embeddings, and the HuggingFace
 * tokenizer (DJL, from the same tokenizer.json) for the token ids.
 */
class MiniLmEquivalenceTest {
    /** 60 texts: WordNet glosses of the test fixture, and hand-made ones with accents, punctuation, numbers, CJK. */
    static List<String> texts() {
        List<String> t = new ArrayList<>(WordNetGlosses.texts(TextFixtures.glosses()).subList(0, 40));
        t.addAll(List.of(
                "Café au lait, naïve façade: résumé of the Zürich coöperation!",
                "The quick brown fox jumps over the lazy dog.",
                "United States physiologist (1899-1982); he won the Nobel prize",
                "E-mail me at someone@example.com or call +1 (555) 010-9999.",
                "Hyphen-ated words, \"quoted words\" and 'single quotes' -- em—dash…",
                "東京 is the capital of Japan; 北京 of China.",
                "Ångström units & the Øresund bridge cost $4.5bn (approx.)",
                "supercalifragilisticexpialidocious antidisestablishmentarianism",
                "a   text\twith\nirregular    white space",
                "Tabs\u00a0and non-breaking\u00a0spaces; ZERO\u200bWIDTH too",
                "©2024 Symbols ™ and math ≤ ≥ ± stay inside words?",
                "UPPER CASE AND MiXeD cAsE are lower-cased",
                "numbers: 3.14159, 2,718 and 1e-9",
                "Ελληνικά γράμματα και русский текст",
                "a",
                "Emoji 🙂 are unknown pieces",
                "[brackets] {braces} <angles> |pipes| ~tildes~ ^carets^",
                "the function of a hormone in the body's regulation of metabolism",
                "it's, isn't, we'll, o'clock",
                "an orderly arrangement of items in rows and columns"));
        return t;
    }

    static MiniLmConfig config;
    static MiniLm.Pretrained pretrained;
    static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() {
        Dl4jRuntime.init();
        config = new MiniLmConfig(128, 2, 1);
        pretrained = MiniLm.pretrained();
        tokenizer = MiniLm.tokenizer(128);
    }

    @Test
    void tokenIdsEqualTheReferenceTokenizer() throws Exception {
        try (InputStream in = MiniLm.class.getResourceAsStream(MiniLm.TOKENIZER_RESOURCE);
             HuggingFaceTokenizer ref = HuggingFaceTokenizer.newInstance(in, Map.of())) {
            for (String text : texts()) {
                Encoding e = ref.encode(text);
                int[] expected = Arrays.stream(e.getIds()).mapToInt(Math::toIntExact).filter(i -> i != 0).toArray();
                int[] actual = Arrays.stream(tokenizer.encode(text)).filter(i -> i != 0).toArray();
                assertThat(actual).as(text).containsExactly(expected);
            }
        }
    }

    @Test
    void sentenceEmbeddingsMatchOnnxRuntime() {
        assertThat(pretrained.layerNormEps()).isEqualTo(1e-12, org.assertj.core.data.Offset.offset(1e-15));
        List<String> texts = texts();
        assertThat(texts).hasSizeGreaterThanOrEqualTo(50);
        SameDiff sd = MiniLm.buildFeatures(config, pretrained.parameters(), pretrained.layerNormEps());
        EncodedTexts enc = new EncodedTexts(tokenizer.encodeAll(texts), new int[texts.size()], 2);
        INDArray ids = enc.idsBatch(null, 0, texts.size());
        INDArray mask = enc.maskBatch(null, 0, texts.size());
        INDArray pooled = sd.output(Map.of(MiniLm.IDS, ids, MiniLm.MASK, mask), MiniLm.pooledName(5))
                .get(MiniLm.pooledName(5));
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        double worst = 1;
        for (int i = 0; i < texts.size(); i++) {
            float[] expected = reference.embed(texts.get(i)).content().vector();
            float[] actual = pooled.getRow(i).toFloatVector();
            double cos = cosine(expected, actual);
            worst = Math.min(worst, cos);
            assertThat(cos).as("text %d: %s", i, texts.get(i)).isGreaterThanOrEqualTo(0.9999);
        }
        System.out.println("[minilm] worst cosine over " + texts.size() + " texts: " + worst);
    }

    @Test
    void aWrongWeightBreaksTheEquivalence() {
        // the check above can fail: a layer-norm gain of layer 3 scaled by 1.1 moves the embeddings off
        Map<String, INDArray> broken = new java.util.HashMap<>(pretrained.parameters());
        broken.put("l3_ln2_g", broken.get("l3_ln2_g").mul(1.1));
        List<String> texts = texts().subList(40, 50);
        EncodedTexts enc = new EncodedTexts(tokenizer.encodeAll(texts), new int[texts.size()], 2);
        Map<String, INDArray> feed = Map.of(MiniLm.IDS, enc.idsBatch(null, 0, texts.size()), MiniLm.MASK,
                enc.maskBatch(null, 0, texts.size()));
        INDArray good = MiniLm.buildFeatures(config, pretrained.parameters(), pretrained.layerNormEps())
                .output(feed, MiniLm.pooledName(5)).get(MiniLm.pooledName(5));
        INDArray bad = MiniLm.buildFeatures(config, broken, pretrained.layerNormEps())
                .output(feed, MiniLm.pooledName(5)).get(MiniLm.pooledName(5));
        double worst = 1;
        for (int i = 0; i < texts.size(); i++) {
            worst = Math.min(worst, cosine(good.getRow(i).toFloatVector(), bad.getRow(i).toFloatVector()));
        }
        assertThat(worst).isLessThan(0.9999);
    }

    static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
