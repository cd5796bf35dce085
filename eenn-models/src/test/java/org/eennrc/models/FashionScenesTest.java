package org.eennrc.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.FashionScenes;
import org.eennrc.models.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.MultiDataSet;

class FashionScenesTest {
    private static final int I = FashionScenes.IGNORE;

    @TempDir
    Path tmp;

    /** Two 3×3 items: a solid square of class 2 and a cross of class 5 with faint corners. */
    private static ImageSet handItems() {
        byte[] px = new byte[2 * 9];
        for (int p = 0; p < 9; p++) {
            px[p] = (byte) 200;
        }
        int[] cross = {10, 200, 10, 200, 200, 200, 10, 200, 10};
        for (int p = 0; p < 9; p++) {
            px[9 + p] = (byte) cross[p];
        }
        return new ImageSet(px, new int[] {2, 5}, 3, 3, 10, 0f, 1f);
    }

    @Test
    void handCheckedSceneFollowsTheLabelRules() {
        // square (label 3) at (0,0), then the cross (label 6) at (1,1) in front of it; worked out by hand:
        // owner (topmost item above the threshold; -1 none):   labels (255 = ignore: a 4-neighbour is in front):
        //   0  0  0 -1 -1                                       3   3 255 255   0
        //   0  0  1 -1 -1                                       3 255   6 255   0
        //   0  1  1  1 -1                                     255   6   6   6 255
        //  -1 -1  1 -1 -1                                     255 255   6 255   0
        //  -1 -1 -1 -1 -1                                       0   0 255   0   0
        FashionScenes.Scene s = FashionScenes.compose(handItems(), new int[] {0, 1}, new int[] {0, 1},
                new int[] {0, 1}, 32);
        int[][] expected = {
            {3, 3, I, I, 0},
            {3, I, 6, I, 0},
            {I, 6, 6, 6, I},
            {I, I, 6, I, 0},
            {0, 0, I, 0, 0}};
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 5; c++) {
                assertThat(s.label(r, c)).as("label at (%d, %d)", r, c).isEqualTo(expected[r][c]);
            }
        }
        // the rest of the canvas is background
        for (int r = 0; r < FashionScenes.SIZE; r++) {
            for (int c = 0; c < FashionScenes.SIZE; c++) {
                if (r >= 5 || c >= 5) {
                    assertThat(s.label(r, c)).isZero();
                }
            }
        }
        // intensities: the cross covers the square; its faint corner keeps the brighter square below it
        assertThat(s.pixel(1, 1)).isEqualTo(200); // faint corner (10) over the square (200)
        assertThat(s.pixel(1, 3)).isEqualTo(10); // faint corner over background
        assertThat(s.pixel(2, 2)).isEqualTo(200);
        assertThat(s.pixel(0, 3)).isZero();
        assertThat(s.classes()).containsExactly(2, 5);

        // drawn the other way round, the square covers the cross where they overlap; the cross keeps (2,3) and (3,2),
        // both next to the square in front of it, so both are ignored
        FashionScenes.Scene t = FashionScenes.compose(handItems(), new int[] {1, 0}, new int[] {1, 0},
                new int[] {1, 0}, 32);
        assertThat(t.label(1, 1)).isEqualTo(3);
        assertThat(t.label(2, 2)).isEqualTo(3);
        assertThat(t.label(1, 2)).isEqualTo(3);
        assertThat(t.label(2, 3)).isEqualTo(I);
        assertThat(t.label(3, 2)).isEqualTo(I);
        assertThat(t.label(3, 3)).isEqualTo(I); // background below the cross's visible (2,3)
        assertThat(t.label(4, 4)).isEqualTo(0);
        assertThat(t.label(0, 3)).isEqualTo(I);
    }

    @Test
    void batchesCarryOneHotLabelsAndTheIgnoreMask() {
        ImageSet items = randomItems(40, 5, 50, 250);
        FashionScenes scenes = FashionScenes.of(items, 3, 11);
        MultiDataSet b = scenes.batch(0, 3);
        assertThat(b.getFeatures(0).shape()).containsExactly(3, 1, 64, 64);
        assertThat(b.getLabels(0).shape()).containsExactly(3, 11, 64, 64);
        assertThat(b.getLabelsMaskArray(0).shape()).containsExactly(3, 1, 64, 64);
        int[] labels = scenes.labels(0, 3);
        float[] y = b.getLabels(0).dup('c').data().asFloat();
        float[] m = b.getLabelsMaskArray(0).dup('c').data().asFloat();
        float[] f = b.getFeatures(0).dup('c').data().asFloat();
        int hw = 64 * 64;
        int ignored = 0;
        for (int j = 0; j < 3; j++) {
            FashionScenes.Scene s = scenes.scene(j);
            for (int p = 0; p < hw; p++) {
                int l = labels[j * hw + p];
                assertThat(f[j * hw + p]).isEqualTo(s.pixels()[p] / 255f);
                assertThat(m[j * hw + p]).isEqualTo(l == I ? 0f : 1f);
                float sum = 0;
                for (int c = 0; c < 11; c++) {
                    float v = y[(j * 11 + c) * hw + p];
                    sum += v;
                    if (v == 1f) {
                        assertThat(c).isEqualTo(l);
                    }
                }
                assertThat(sum).isEqualTo(l == I ? 0f : 1f);
                ignored += l == I ? 1 : 0;
            }
        }
        assertThat(ignored).isPositive();
    }

    @Test
    void scenesAreDeterministicFromTheSeedAndIndex() {
        ImageSet items = randomItems(100, 3, 0, 256);
        FashionScenes a = FashionScenes.of(items, 50, 7);
        FashionScenes b = FashionScenes.of(items, 20, 7);
        FashionScenes c = FashionScenes.of(items, 50, 8);
        int differ = 0;
        for (int i = 0; i < 20; i++) {
            FashionScenes.Scene x = a.scene(i);
            FashionScenes.Scene y = b.scene(i);
            assertThat(x.pixels()).containsExactly(y.pixels());
            assertThat(x.labels()).containsExactly(y.labels());
            assertThat(x.items()).containsExactly(y.items());
            assertThat(x.items().length).isBetween(FashionScenes.MIN_ITEMS, FashionScenes.MAX_ITEMS);
            for (int j = 0; j < x.items().length; j++) {
                assertThat(x.rows()[j]).isBetween(0, 36);
                assertThat(x.cols()[j]).isBetween(0, 36);
            }
            for (int l : x.labels()) {
                assertThat(l == I || (l >= 0 && l <= 10)).isTrue();
            }
            differ += java.util.Arrays.equals(x.labels(), c.scene(i).labels()) ? 0 : 1;
        }
        assertThat(differ).isEqualTo(20);
        // neighbouring scenes are unrelated
        assertThat(a.scene(0).items()).isNotEqualTo(a.scene(1).items());
        // every item count occurs
        java.util.Set<Integer> counts = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            counts.add(a.scene(i).items().length);
        }
        assertThat(counts).containsExactlyInAnyOrder(2, 3, 4);
        assertThatThrownBy(() -> a.scene(50)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void trainingScenesUseTrainingItemsAndTestScenesTestItemsOnly() throws IOException {
        // training images have intensities in [100, 150], test images in [200, 250]: a scene's bright pixels tell
        // which split its items came from
        writeIdx(tmp, "train", 300, 100, 150, 1);
        writeIdx(tmp, "t10k", 100, 200, 250, 2);
        FashionMnist data = FashionMnist.load(tmp, 50, 3);
        FashionScenes train = FashionScenes.training(data, 30, 5);
        FashionScenes test = FashionScenes.test(data, 30, 5);
        assertThat(train.items()).isSameAs(data.train());
        assertThat(test.items()).isSameAs(data.test());
        for (int i = 0; i < 30; i++) {
            for (int v : train.scene(i).pixels()) {
                assertThat(v == 0 || (v >= 100 && v <= 150)).as("training scene pixel %d", v).isTrue();
            }
            for (int v : test.scene(i).pixels()) {
                assertThat(v == 0 || (v >= 200 && v <= 250)).as("test scene pixel %d", v).isTrue();
            }
        }
    }

    @Test
    void badSettingsAreRefused() {
        ImageSet items = randomItems(5, 1, 0, 256);
        assertThatThrownBy(() -> FashionScenes.of(items, 0, 1)).hasMessageContaining("at least one scene");
        assertThatThrownBy(() -> FashionScenes.of(items, 5, 1, 255)).hasMessageContaining("threshold");
        assertThatThrownBy(() -> FashionScenes.compose(items, new int[] {0}, new int[] {40}, new int[] {0}, 32))
                .hasMessageContaining("does not fit");
    }

    /** n random 28×28 items with intensities in [lo, hi) (0 where a coin says background). */
    private static ImageSet randomItems(int n, long seed, int lo, int hi) {
        java.util.Random r = new java.util.Random(seed);
        byte[] px = new byte[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(10);
            for (int p = 0; p < 784; p++) {
                int row = p / 28;
                int col = p % 28;
                boolean inside = row >= 4 && row < 24 && col >= 6 && col < 22;
                px[i * 784 + p] = (byte) (inside ? lo + r.nextInt(hi - lo) : 0);
            }
        }
        return new ImageSet(px, y, 28, 28, 10, 0f, 1f);
    }

    private static void writeIdx(Path dir, String name, int n, int lo, int hi, long seed) throws IOException {
        java.util.Random r = new java.util.Random(seed);
        try (var out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(
                dir.resolve(name + "-images-idx3-ubyte.gz"))))) {
            out.writeInt(0x803);
            out.writeInt(n);
            out.writeInt(28);
            out.writeInt(28);
            for (int i = 0; i < n * 784; i++) {
                int p = i % 784;
                boolean inside = p / 28 >= 5 && p / 28 < 23 && p % 28 >= 5 && p % 28 < 23;
                out.writeByte(inside ? lo + r.nextInt(hi - lo + 1) : 0);
            }
        }
        try (var out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(
                dir.resolve(name + "-labels-idx1-ubyte.gz"))))) {
            out.writeInt(0x801);
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeByte(i % 10);
            }
        }
    }
}
