package org.eennrc.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Arrays;
import org.eennrc.models.internal.Checks;

/**
 * Immutable description of a multi-exit residual network for small single-channel images.
 *
 * <p>Layout: a stem (3x3 convolution to {@code stemWidth} channels, batch norm, ReLU), then one stage per entry of
 * {@code widths}; stage s has {@code blocks[s]} basic residual blocks of width {@code widths[s]}, the first one with
 * stride {@code strides[s]}. After each stage an exit head: global average pooling, an optional hidden dense layer
 * ({@code headHidden} units, ReLU; 0 for none) and a softmax output over {@code numClasses}. Stage s + its head is
 * exit s+1, so the default has 4 exits. See docs/models.md.
 *
 * <p>In JSON and YAML (the {@code model} section of an experiment config, {@code model.json}) the keys are the
 * snake_case names of the components ({@code stem_width}, {@code head_hidden}, ...); a key left out takes its value
 * from {@link #defaults()} ({@link SettingsJson}). Every value is checked here, and a bad one is a
 * {@link SettingException} naming its key ({@code model.widths[1] must be at least 1, got 0}).
 *
 * @param height     input height in pixels
 * @param width      input width in pixels
 * @param channels   input channels
 * @param numClasses classes of every exit's softmax
 * @param stemWidth  channels of the stem convolution
 * @param stemStride stride of the stem convolution (1: the stem keeps the input resolution)
 * @param widths     channels of each stage (one exit per stage)
 * @param blocks     residual blocks of each stage
 * @param strides    stride of the first block of each stage
 * @param headHidden units of the exit heads' hidden dense layer, 0 for none
 * @param seed       weight initialisation seed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MultiExitResNetConfig(int height, int width, int channels, int numClasses, int stemWidth,
                                    int stemStride, int[] widths, int[] blocks, int[] strides, int headHidden,
                                    long seed) {

    public MultiExitResNetConfig {
        Checks.atLeast("model.height", height, 1);
        Checks.atLeast("model.width", width, 1);
        Checks.atLeast("model.channels", channels, 1);
        Checks.atLeast("model.num_classes", numClasses, 2);
        Checks.atLeast("model.stem_width", stemWidth, 1);
        Checks.atLeast("model.stem_stride", stemStride, 1);
        widths = Checks.perStage("model.widths", widths, 1);
        blocks = Checks.perStage("model.blocks", blocks, 1);
        strides = Checks.perStage("model.strides", strides, 1);
        if (widths.length < 1) {
            throw new SettingException("model.widths", "must name at least one stage");
        }
        if (blocks.length != widths.length || strides.length != widths.length) {
            throw new SettingException("model.widths", "model.blocks and model.strides need one entry per stage, got "
                    + Arrays.toString(widths) + ", " + Arrays.toString(blocks) + " and " + Arrays.toString(strides));
        }
        Checks.atLeast("model.head_hidden", headHidden, 0);
    }

    /**
     * The default: a stride-2 stem of 32 channels (28x28 -> 14x14), then 4 stages of one block each, widths
     * 32/64/128/256, strides 1/2/2/1 (maps 14, 7, 4, 4), 28x28x1 input, 10 classes, no hidden head layer, seed 42:
     * 4 exits, 24.9 M multiply-adds for the full model, 3.7 M (15 %) to reach exit 1.
     *
     * <p>Chosen by the measured speed/accuracy frontier (docs/benchmarks.md, issue 16), not by FLOPs: what a user gets
     * is images/s at a certified risk. The first exit is cheap (a 32-wide stage 1), so the many images that leave
     * there cost little; the capacity sits in the last stage, at 4x4 maps, where oneDNN runs it efficiently and only
     * the images that need it pay for it. Against the earlier 64/64/128/128 default (23.6 M MACs), certified early exit
     * at ε = 0.05 runs about 1.6x more images/s at the same accuracy, and the last exit is as accurate or better.
     * Against 32/64/128/128 (14.9 M) its early-exit operating points are as fast within the noise and its last exit
     * slightly more accurate, but its full model is slower (about 1,700 against 3,000 images/s at batch 128).
     */
    public static MultiExitResNetConfig defaults() {
        return new MultiExitResNetConfig(28, 28, 1, 10, 32, 2, new int[] {32, 64, 128, 256}, new int[] {1, 1, 1, 1},
                new int[] {1, 2, 2, 1}, 0, 42);
    }

    /** A tiny network for tests: stride-1 stem of 4 channels, 3 stages, widths 4/8/8, one block each. */
    public static MultiExitResNetConfig tiny() {
        return builder().stemWidth(4).stemStride(1).widths(4, 8, 8).blocks(1, 1, 1).strides(1, 2, 2).build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public int numStages() {
        return widths.length;
    }

    /** Number of exits (= stages). */
    public int numExits() {
        return widths.length;
    }

    @Override
    public int[] widths() {
        return widths.clone();
    }

    @Override
    public int[] blocks() {
        return blocks.clone();
    }

    @Override
    public int[] strides() {
        return strides.clone();
    }

    /** Spatial size after a "Same"-mode convolution with this stride. */
    static int down(int size, int stride) {
        return (size + stride - 1) / stride;
    }

    /** Output [channels, height, width] of stage s (0-based). */
    public int[] stageOutputShape(int s) {
        int h = down(height, stemStride);
        int w = down(width, stemStride);
        for (int i = 0; i <= s; i++) {
            h = down(h, strides[i]);
            w = down(w, strides[i]);
        }
        return new int[] {widths[s], h, w};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiExitResNetConfig c && height == c.height && width == c.width
                && channels == c.channels && numClasses == c.numClasses && stemWidth == c.stemWidth
                && stemStride == c.stemStride && Arrays.equals(widths, c.widths) && Arrays.equals(blocks, c.blocks)
                && Arrays.equals(strides, c.strides) && headHidden == c.headHidden && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(height, width, channels, numClasses, stemWidth, stemStride,
                Arrays.hashCode(widths), Arrays.hashCode(blocks), Arrays.hashCode(strides), headHidden, seed);
    }

    @Override
    public String toString() {
        return "MultiExitResNetConfig[input=" + channels + "x" + height + "x" + width + ", classes=" + numClasses
                + ", stem=" + stemWidth + (stemStride == 1 ? "" : "/" + stemStride) + ", widths=" + Arrays.toString(widths) + ", blocks=" + Arrays.toString(blocks)
                + ", strides=" + Arrays.toString(strides) + ", headHidden=" + headHidden + ", seed=" + seed + "]";
    }

    /** Changes some values of a configuration; {@link #build()} checks the result. */
    public static final class Builder {
        private int height;
        private int width;
        private int channels;
        private int numClasses;
        private int stemWidth;
        private int stemStride;
        private int[] widths;
        private int[] blocks;
        private int[] strides;
        private int headHidden;
        private long seed;

        private Builder(MultiExitResNetConfig c) {
            height = c.height;
            width = c.width;
            channels = c.channels;
            numClasses = c.numClasses;
            stemWidth = c.stemWidth;
            stemStride = c.stemStride;
            widths = c.widths;
            blocks = c.blocks;
            strides = c.strides;
            headHidden = c.headHidden;
            seed = c.seed;
        }

        public Builder input(int height, int width, int channels) {
            this.height = height;
            this.width = width;
            this.channels = channels;
            return this;
        }

        public Builder numClasses(int c) {
            this.numClasses = c;
            return this;
        }

        public Builder stemWidth(int w) {
            this.stemWidth = w;
            return this;
        }

        public Builder stemStride(int s) {
            this.stemStride = s;
            return this;
        }

        public Builder widths(int... w) {
            this.widths = w;
            return this;
        }

        public Builder blocks(int... b) {
            this.blocks = b;
            return this;
        }

        public Builder strides(int... s) {
            this.strides = s;
            return this;
        }

        public Builder headHidden(int h) {
            this.headHidden = h;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** The configuration (the arrays are copied); a bad value is a {@link SettingException}. */
        public MultiExitResNetConfig build() {
            return new MultiExitResNetConfig(height, width, channels, numClasses, stemWidth, stemStride, widths,
                    blocks, strides, headHidden, seed);
        }
    }
}
