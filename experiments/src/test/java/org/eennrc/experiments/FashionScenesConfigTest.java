package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ConfigLoader;
import org.eennrc.experiments.config.ExperimentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code fashion-scenes} config section and the segmentation picture grid. */
class FashionScenesConfigTest {
    @TempDir
    Path dir;

    static final String SCENES = """
            name: scenes
            data:
              type: fashion-scenes
              dir: fm
              scenes: 40
            model:
              type: multi-exit-segnet
              widths: [4, 4, 4, 4]
            training: {epochs: 1, batch_size: 16}
            risks: [miscoverage]
            controllers: [crc]
            protocol: {epsilons: 0.1, n_cal: 20, trials: 2}
            """;

    private String loadError(String text) throws IOException {
        Files.createDirectories(dir.resolve("fm"));
        Path f = dir.resolve("scenes.yaml");
        Files.writeString(f, text);
        try {
            ConfigLoader.load(f);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for\n" + text);
    }

    @Test
    void badScenesSettingsAreRefusedWithTheirKey() throws IOException {
        Path f = dir.resolve("scenes.yaml");
        assertThat(loadError(SCENES.replace("scenes: 40", "scenes: 0")))
                .isEqualTo(f + ": data.scenes: must be at least 1, got 0");
        assertThat(loadError(SCENES.replace("scenes: 40", "scenes: 40\n  threshold: 300")))
                .isEqualTo(f + ": data.threshold: must be in [0, 254], got 300");
        assertThat(loadError(SCENES.replace("type: multi-exit-segnet", "type: multi-exit-resnet")))
                .startsWith(f + ": model.type: expected \"multi-exit-segnet\" for Fashion-MNIST scenes");
        assertThat(loadError(SCENES.replace("widths: [4, 4, 4, 4]", "widths: [4, 4, 4, 4]\n  num_classes: 10")))
                .startsWith(f + ": model.num_classes: Fashion-MNIST scenes have 11 classes");
        assertThat(loadError(SCENES.replace("widths: [4, 4, 4, 4]", "widths: [4, 4, 4, 4]\n  height: 32")))
                .startsWith(f + ": model: Fashion-MNIST scenes are 64 x 64 x 1");
        assertThat(loadError(SCENES.replace("risks:", "confidence: max-softmax\nrisks:")))
                .startsWith(f + ": confidence: Fashion-MNIST scenes carry one confidence per image");
        assertThat(loadError(SCENES.replace("batch_size: 16}", "batch_size: 16, augment_flip: true}")))
                .startsWith(f + ": training.augment_flip: is not supported by the segmentation network");
        assertThat(loadError(SCENES.replace("dir: fm", "dir: nowhere")))
                .startsWith(f + ": data.dir: folder not found");
    }

    @Test
    void aGoodScenesConfigTakesItsDefaults() throws IOException {
        Files.createDirectories(dir.resolve("fm"));
        Path f = dir.resolve("scenes.yaml");
        Files.writeString(f, SCENES);
        ExperimentConfig c = ConfigLoader.load(f);
        ExperimentConfig.FashionScenes d = (ExperimentConfig.FashionScenes) c.data;
        assertThat(d.dir).isEqualTo(dir.resolve("fm"));
        assertThat(d.confidence).isEqualTo("top1:mean");
        assertThat(d.trainScenes).isEqualTo(8000);
        assertThat(c.confidence).isEqualTo("provided");
        assertThat(c.model.segnet.widths()).containsExactly(4, 4, 4, 4);
        assertThat(c.model.segnet.stemStride()).isEqualTo(2);
        assertThat(c.model.numExits()).isEqualTo(4);
        assertThat(c.training.batchSize()).isEqualTo(16);
    }

    @Test
    void theShippedConfigParses() throws IOException {
        Path cfg = Path.of("..", "configs", "fashion-scenes-segmentation.yaml");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(cfg));
        ExperimentConfig c = Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")) ? ConfigLoader.load(cfg)
                : ConfigLoader.parse(Files.readString(cfg), "scenes", false);
        assertThat(c.data).isInstanceOf(ExperimentConfig.FashionScenes.class);
        assertThat(((ExperimentConfig.FashionScenes) c.data).scenes).isEqualTo(2000);
        assertThat(c.model.segnet).isEqualTo(org.eennrc.models.seg.MultiExitSegNetConfig.defaults());
        assertThat(c.risks).containsExactly("miscoverage", "miou-gap", "pixel-brier-sampled", "pixel-brier-argmax",
                "pixel-brier-gap");
        assertThat(c.protocol.nCal.values()).containsExactly(100, 1000);
    }

    @Test
    void pictureGridDrawsEveryMapInThePalette() throws IOException {
        int size = 8;
        int[] pixels = new int[size * size];
        int[] truth = new int[size * size];
        for (int p = 0; p < truth.length; p++) {
            pixels[p] = p * 4;
            truth[p] = p % 12 == 11 ? 255 : p % 12;
        }
        int[] zeros = new int[size * size];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> names = List.of("bg", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        SceneGrid.write(out, "test", List.of(new SceneGrid.Row("scene 0", pixels, truth, zeros, truth, zeros, 2)),
                size, 255, names);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
        assertThat(img).isNotNull();
        // the truth panel (second column): pixel (0, 1) has label 1, pixel (0, 11) is ignored (white)
        int x0 = 8 + (size * 3 + 8); // GAP + one cell + GAP
        int y0 = 24 + 20;
        assertThat(img.getRGB(x0 + 1 * 3 + 1, y0 + 1) & 0xffffff).isEqualTo(SceneGrid.PALETTE[1].getRGB() & 0xffffff);
        assertThat(img.getRGB(x0 + 3 * 3 + 1, y0 + 1 * 3 + 1) & 0xffffff).isEqualTo(0xffffff); // p = 11: ignored
        assertThat(img.getRGB(x0 + 2 * 3 + 1, y0 + 1 * 3 + 1) & 0xffffff)
                .isEqualTo(SceneGrid.PALETTE[10].getRGB() & 0xffffff); // p = 10
        // eleven distinct colours plus white
        assertThat(java.util.Arrays.stream(SceneGrid.PALETTE).map(java.awt.Color::getRGB).distinct().count())
                .isEqualTo(11);
        assertThat(SceneGrid.PALETTE).doesNotContain(SceneGrid.IGNORE);
        assertThatThrownBy(() -> SceneGrid.colour(11, 255)).hasMessageContaining("label 11 has no colour");
    }
}
