package org.eennrc.models.text;

import java.util.Locale;
import java.util.Properties;

/**
 * Shape of the multi-exit transformer encoder: vocabulary size, fixed sequence length (with {@code [CLS]}),
 * model width, attention heads, feed-forward width, number of blocks (= exits), classes, initialisation seed, and
 * how an exit head pools the sequence ({@link Pooling}).
 */
public record TransformerConfig(int vocabSize, int maxLength, int dModel, int heads, int ffDim, int blocks,
                                int numClasses, long seed, Pooling pooling) {

    /**
     * What an exit head reads from the hidden states [B, T, d].
     *
     * <p>{@code MEAN}: the mean over the non-padding positions. After one block it already sums every token's
     * (contextualised) embedding, so on a largely lexical task the first exit is nearly as good as the last.
     * {@code CLS}: the hidden state of the {@code [CLS]} position, as in BERT and in the early-exit BERTs
     * (DeeBERT, the paper's language models). It only knows what attention has routed to it, one hop per block,
     * so deeper exits see more of the text.
     */
    public enum Pooling { MEAN, CLS }

    public static final int DEFAULT_VOCAB = 4000;
    public static final int DEFAULT_MAX_LENGTH = 32;

    /** With mean pooling (the form of models trained before the pooling option existed). */
    public TransformerConfig(int vocabSize, int maxLength, int dModel, int heads, int ffDim, int blocks,
                             int numClasses, long seed) {
        this(vocabSize, maxLength, dModel, heads, ffDim, blocks, numClasses, seed, Pooling.MEAN);
    }

    public TransformerConfig {
        if (pooling == null) {
            throw new IllegalArgumentException("pooling is null");
        }
        if (vocabSize < 4 || maxLength < 2 || dModel < 1 || heads < 1 || ffDim < 1 || blocks < 1 || numClasses < 2) {
            throw new IllegalArgumentException("bad transformer configuration");
        }
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("dModel " + dModel + " is not divisible by heads " + heads);
        }
    }

    /** The default: 6 blocks of width 64, 4 heads, feed-forward 128, length 32, 26 classes, mean pooling. */
    public static TransformerConfig defaults(int vocabSize) {
        return new TransformerConfig(vocabSize, DEFAULT_MAX_LENGTH, 64, 4, 128, 6, WordNetGlosses.NUM_CLASSES, 42,
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

    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("model.type", "transformer");
        p.setProperty("model.vocabSize", Integer.toString(vocabSize));
        p.setProperty("model.maxLength", Integer.toString(maxLength));
        p.setProperty("model.dModel", Integer.toString(dModel));
        p.setProperty("model.heads", Integer.toString(heads));
        p.setProperty("model.ffDim", Integer.toString(ffDim));
        p.setProperty("model.blocks", Integer.toString(blocks));
        p.setProperty("model.numClasses", Integer.toString(numClasses));
        p.setProperty("model.seed", Long.toString(seed));
        p.setProperty("model.pooling", pooling.name().toLowerCase(Locale.ROOT));
        return p;
    }

    public static TransformerConfig fromProperties(Properties p) {
        return new TransformerConfig(Integer.parseInt(p.getProperty("model.vocabSize")),
                Integer.parseInt(p.getProperty("model.maxLength")), Integer.parseInt(p.getProperty("model.dModel")),
                Integer.parseInt(p.getProperty("model.heads")), Integer.parseInt(p.getProperty("model.ffDim")),
                Integer.parseInt(p.getProperty("model.blocks")), Integer.parseInt(p.getProperty("model.numClasses")),
                Long.parseLong(p.getProperty("model.seed")),
                Pooling.valueOf(p.getProperty("model.pooling", "mean").toUpperCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Transformer[blocks=%d, d=%d, heads=%d, ff=%d, T=%d, vocab=%d, classes=%d, "
                + "pooling=%s, seed=%d, params=%d]", blocks, dModel, heads, ffDim, maxLength, vocabSize, numClasses,
                pooling.name().toLowerCase(Locale.ROOT), seed, numParams());
    }
}
