package org.eennrc.models.text;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Locale;
import org.eennrc.models.SettingException;
import org.eennrc.models.internal.Checks;

/**
 * Shape of the multi-exit transformer encoder: vocabulary size, fixed sequence length (with {@code [CLS]}),
 * model width, attention heads, feed-forward width, number of blocks (= exits), classes, initialisation seed, and
 * how an exit head pools the sequence ({@link Pooling}).
 *
 * <p>In JSON and YAML the keys are {@code vocab_size}, {@code max_length}, {@code d_model}, {@code heads},
 * {@code ff_dim}, {@code layers} (the blocks), {@code num_classes}, {@code seed} and {@code pooling}
 * ({@code mean} or {@code cls}); a key left out takes its value from {@link #defaults()}. A bad value is a
 * {@link SettingException} naming its key.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TransformerConfig(int vocabSize, int maxLength, int dModel, int heads, int ffDim,
                                @JsonProperty("layers") int blocks, int numClasses, long seed, Pooling pooling) {

    /**
     * What an exit head reads from the hidden states [B, T, d].
     *
     * <p>{@code MEAN}: the mean over the non-padding positions. After one block it already sums every token's
     * (contextualised) embedding, so on a largely lexical task the first exit is nearly as good as the last.
     * {@code CLS}: the hidden state of the {@code [CLS]} position, as in BERT and in the early-exit BERTs
     * (DeeBERT, the paper's language models). It only knows what attention has routed to it, one hop per block,
     * so deeper exits see more of the text.
     */
    public enum Pooling {
        @JsonProperty("mean") MEAN,
        @JsonProperty("cls") CLS
    }

    public static final int DEFAULT_VOCAB = 4000;
    public static final int DEFAULT_MAX_LENGTH = 32;

    /** With mean pooling (the form of models trained before the pooling option existed). */
    public TransformerConfig(int vocabSize, int maxLength, int dModel, int heads, int ffDim, int blocks,
                             int numClasses, long seed) {
        this(vocabSize, maxLength, dModel, heads, ffDim, blocks, numClasses, seed, Pooling.MEAN);
    }

    public TransformerConfig {
        Checks.atLeast("model.vocab_size", vocabSize, 4);
        Checks.atLeast("model.max_length", maxLength, 2);
        Checks.atLeast("model.d_model", dModel, 1);
        Checks.atLeast("model.heads", heads, 1);
        Checks.atLeast("model.ff_dim", ffDim, 1);
        Checks.atLeast("model.layers", blocks, 1);
        Checks.atLeast("model.num_classes", numClasses, 2);
        Checks.present("model.pooling", pooling, Pooling.class);
        if (dModel % heads != 0) {
            throw new SettingException("model.d_model", "must be divisible by model.heads: " + dModel + " is not a"
                    + " multiple of " + heads);
        }
    }

    /**
     * The default: a tokenizer of {@value #DEFAULT_VOCAB} entries, 6 blocks of width 64, 4 heads, feed-forward 128,
     * length {@value #DEFAULT_MAX_LENGTH}, the 26 classes of WordNet's noun supersenses, mean pooling, seed 42.
     */
    public static TransformerConfig defaults() {
        return new TransformerConfig(DEFAULT_VOCAB, DEFAULT_MAX_LENGTH, 64, 4, 128, 6, WordNetGlosses.NUM_CLASSES, 42,
                Pooling.MEAN);
    }

    public int numExits() {
        return blocks;
    }

    public int headDim() {
        return dModel / heads;
    }

    public TransformerConfig withVocabSize(int v) {
        return new TransformerConfig(v, maxLength, dModel, heads, ffDim, blocks, numClasses, seed, pooling);
    }

    public TransformerConfig withPooling(Pooling p) {
        return new TransformerConfig(vocabSize, maxLength, dModel, heads, ffDim, blocks, numClasses, seed, p);
    }

    public TransformerConfig withSeed(long s) {
        return new TransformerConfig(vocabSize, maxLength, dModel, heads, ffDim, blocks, numClasses, s, pooling);
    }

    /** Number of parameters. */
    public long numParams() {
        long d = dModel;
        long perBlock = 2 * 2 * d + 4 * (d * d + d) + (d * ffDim + ffDim) + (ffDim * d + d);
        long perExit = 2 * d + d * numClasses + numClasses;
        return (long) vocabSize * d + (long) maxLength * d + blocks * (perBlock + perExit);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Transformer[blocks=%d, d=%d, heads=%d, ff=%d, T=%d, vocab=%d, classes=%d, "
                + "pooling=%s, seed=%d, params=%d]", blocks, dModel, heads, ffDim, maxLength, vocabSize, numClasses,
                pooling.name().toLowerCase(Locale.ROOT), seed, numParams());
    }
}
