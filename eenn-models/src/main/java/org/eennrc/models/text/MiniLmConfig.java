package org.eennrc.models.text;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import org.eennrc.models.internal.Checks;

/**
 * Shape of the pretrained MiniLM-L6 encoder with an exit after every layer ({@link MiniLm}): the fixed sequence
 * length (with {@code [CLS]} and {@code [SEP]}), the classes of the exit heads and their initialisation seed. The
 * encoder's own shape (6 layers, hidden 384, 12 heads, feed-forward 1536, vocabulary 30,522) is fixed by the
 * pretrained weights and checked against them when they are loaded.
 *
 * <p>JSON/YAML keys: {@code max_length}, {@code num_classes}, {@code seed}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MiniLmConfig(int maxLength, int numClasses, long seed) {
    public static final int LAYERS = 6;
    public static final int HIDDEN = 384;
    public static final int HEADS = 12;
    public static final int FF_DIM = 1536;
    public static final int VOCAB = 30522;
    /** Position embeddings of the pretrained model: the longest sequence it accepts. */
    public static final int MAX_POSITIONS = 512;
    public static final int DEFAULT_MAX_LENGTH = 32;

    public MiniLmConfig {
        Checks.atLeast("model.max_length", maxLength, 3);
        Checks.atLeast("model.num_classes", numClasses, 2);
        if (maxLength > MAX_POSITIONS) {
            throw new org.eennrc.models.SettingException("model.max_length", "must be at most " + MAX_POSITIONS
                    + " (the pretrained position embeddings), got " + maxLength);
        }
    }

    /** Length 32 (as the scratch transformer), the 26 WordNet noun supersenses, seed 42. */
    public static MiniLmConfig defaults() {
        return new MiniLmConfig(DEFAULT_MAX_LENGTH, WordNetGlosses.NUM_CLASSES, 42);
    }

    public int numExits() {
        return LAYERS;
    }

    public int headDim() {
        return HIDDEN / HEADS;
    }
}
