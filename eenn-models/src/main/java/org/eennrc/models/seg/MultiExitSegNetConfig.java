package org.eennrc.models.seg;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Arrays;
import org.eennrc.models.SettingException;
import org.eennrc.models.internal.Checks;

/**
 * Immutable description of a multi-exit segmentation network for small single-channel images (docs/models.md,
 * "Multi-exit segmentation network").
 *
 * <p>Layout: a stem (3×3 convolution with stride {@code stemStride} to {@code stemWidth} channels, batch norm, ReLU;
 * a stride of 2 halves the work of the first layers, which at the full resolution of a single-channel input dominated
 * the training time), then one
 * stage per entry of {@code widths}: two 3×3 convolutions with batch norm and ReLU, the first with stride
 * {@code strides[s]}. The output of stage 1 is the "skip" feature map. After each stage an exit head predicts
 * per-pixel logits: exit 1 a 1×1 convolution of stage 1's output; exit s > 1 upsamples stage s's output (nearest) to
 * the skip map's resolution, concatenates the skip map, and applies a 1×1 convolution. Every head then upsamples its
 * logits (nearest) to the input resolution, where a softmax over the classes gives each pixel's probabilities
 * (DL4J's {@code CnnLossLayer}, cross-entropy with a per-pixel label mask for the ignore label). Deeper exits see
 * more of the image (larger receptive field), so they can tell which item a pixel belongs to; the skip map keeps
 * their edges at stage-1 resolution.
 *
 * <p>In JSON and YAML the keys are snake_case ({@code stem_width}, ...); a key left out takes its value from
 * {@link #defaults()}; a bad value is a {@link SettingException} naming its key.
 *
 * @param height     input height in pixels (divisible by the product of the strides)
 * @param width      input width in pixels (divisible by the product of the strides)
 * @param channels   input channels
 * @param numClasses classes of every pixel (background included)
 * @param stemWidth  channels of the stem convolution
 * @param stemStride stride of the stem convolution
 * @param widths     channels of each stage (one exit per stage)
 * @param strides    stride of the first convolution of each stage
 * @param seed       weight initialisation seed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MultiExitSegNetConfig(int height, int width, int channels, int numClasses, int stemWidth,
                                    int stemStride, int[] widths, int[] strides, long seed) {

    public MultiExitSegNetConfig {
        Checks.atLeast("model.height", height, 1);
        Checks.atLeast("model.width", width, 1);
        Checks.atLeast("model.channels", channels, 1);
        Checks.atLeast("model.num_classes", numClasses, 2);
        Checks.atLeast("model.stem_width", stemWidth, 1);
        Checks.atLeast("model.stem_stride", stemStride, 1);
        widths = Checks.perStage("model.widths", widths, 1);
        strides = Checks.perStage("model.strides", strides, 1);
        if (widths.length < 1) {
            throw new SettingException("model.widths", "must name at least one stage");
        }
        if (strides.length != widths.length) {
            throw new SettingException("model.strides", "needs one entry per stage (" + widths.length + "), got "
                    + Arrays.toString(strides));
        }
        int down = stemStride;
        for (int s : strides) {
            down *= s;
        }
        if (height % down != 0 || width % down != 0) {
            throw new SettingException("model.strides", "their product with the stem stride, " + down
                    + ", must divide the input size "
                    + height + "x" + width + " (the heads upsample by whole factors)");
        }
    }

    /**
     * The default for Fashion-MNIST scenes: 64×64×1 input, 11 classes, a stride-2 stem of 16 channels (64 → 32), 4
     * stages of widths 32/48/64/96 with strides 1/2/2/1 (maps 32, 16, 8, 8), seed 42: 4 exits.
     */
    public static MultiExitSegNetConfig defaults() {
        return new MultiExitSegNetConfig(64, 64, 1, 11, 16, 2, new int[] {32, 48, 64, 96}, new int[] {1, 2, 2, 1}, 42);
    }

    /** A tiny network for tests: 16×16 input, 3 classes, stride-2 stem of 4, widths 4/6/8/8, strides 1/2/1/1. */
    public static MultiExitSegNetConfig tiny() {
        return new MultiExitSegNetConfig(16, 16, 1, 3, 4, 2, new int[] {4, 6, 8, 8}, new int[] {1, 2, 1, 1}, 7);
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
    public int[] strides() {
        return strides.clone();
    }

    /** Downsampling factor of stage s's output (0-based) against the input. */
    public int downsampling(int s) {
        int d = stemStride;
        for (int i = 0; i <= s; i++) {
            d *= strides[i];
        }
        return d;
    }

    /** The same configuration with another input size. */
    public MultiExitSegNetConfig withInput(int h, int w) {
        return new MultiExitSegNetConfig(h, w, channels, numClasses, stemWidth, stemStride, widths, strides, seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiExitSegNetConfig c && height == c.height && width == c.width
                && channels == c.channels && numClasses == c.numClasses && stemWidth == c.stemWidth
                && stemStride == c.stemStride && Arrays.equals(widths, c.widths) && Arrays.equals(strides, c.strides) && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(height, width, channels, numClasses, stemWidth, stemStride, Arrays.hashCode(widths),
                Arrays.hashCode(strides), seed);
    }

    @Override
    public String toString() {
        return "MultiExitSegNetConfig[input=" + channels + "x" + height + "x" + width + ", classes=" + numClasses
                + ", stem=" + stemWidth + "/" + stemStride + ", widths=" + Arrays.toString(widths) + ", strides="
                + Arrays.toString(strides) + ", seed=" + seed + "]";
    }
}
