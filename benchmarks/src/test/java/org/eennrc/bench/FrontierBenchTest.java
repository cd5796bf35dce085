package org.eennrc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.eennrc.models.MultiExitResNetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the frontier bench that are not timing: family specs, the CSV and the figure. */
class FrontierBenchTest {
    @TempDir
    Path tmp;

    @Test
    void aFamilyMemberIsWidthsStridesBlocksAndStem() {
        MultiExitResNetConfig c = FrontierBench.member("32, 64,128|1,2,2|1,2,1|16");
        assertThat(c.widths()).containsExactly(32, 64, 128);
        assertThat(c.strides()).containsExactly(1, 2, 2);
        assertThat(c.blocks()).containsExactly(1, 2, 1);
        assertThat(c.stemWidth()).isEqualTo(16);
        assertThat(c.numExits()).isEqualTo(3);
        assertThat(FrontierBench.arch(c)).isEqualTo("w[32,64,128] s[1,2,2] b[1,2,1] stem16");
        // every member of the default family is a valid network
        for (String spec : FrontierBench.DEFAULT_FAMILY.split(";")) {
            assertThat(FrontierBench.member(spec).numExits()).isBetween(3, 4);
        }
    }

    @Test
    void aBadMemberIsRefusedNamingIt() {
        assertThatThrownBy(() -> FrontierBench.member("32,64|1,2|1,1"))
                .hasMessageContaining("widths|strides|blocks|stem").hasMessageContaining("32,64|1,2|1,1");
        assertThatThrownBy(() -> FrontierBench.member("32,x|1,2|1,1|16")).hasMessageContaining("32,x|1,2|1,1|16");
        assertThatThrownBy(() -> FrontierBench.member("32,64|1,2,2|1,1|16"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesOneCsvRowPerPointAndATwoPanelFigure() throws Exception {
        List<FrontierBench.Point> points = List.of(
                new FrontierBench.Point("eenn-full", "eenn w[64]", "", Double.NaN, 1.0, 0.92, 0.0, 23.5e6, 1800, 170, 5.9, true),
                new FrontierBench.Point("eenn", "eenn w[64]", "crc", 0.05, 0.59, 0.915, 0.031, 12e6, 3000, 400, 2.4, true),
                new FrontierBench.Point("static", "static w[16]", "", Double.NaN, 1.0, 0.88, Double.NaN, 2.6e6, 9000, 600, 1.5, true));
        Path csv = tmp.resolve("out/frontier.csv");
        FrontierBench.writeCsv(csv, points, 128);
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(4);
        // what a child JVM writes, the parent reads back unchanged (these values survive the CSV's rounding)
        assertThat(FrontierBench.readCsv(csv)).containsExactlyElementsOf(points);
        assertThat(lines.get(0)).startsWith("kind,name,controller,epsilon,lambda,test_accuracy,test_risk,mean_macs,"
                + "images_per_s_batch128,images_per_s_batch1");
        assertThat(lines.get(1)).isEqualTo("eenn-full,\"eenn w[64]\",,,1.00,0.9200,0.0000,23500000,1800.0,170.0,5.9000,true");
        assertThat(lines.get(2)).isEqualTo("eenn,\"eenn w[64]\",crc,0.05,0.59,0.9150,0.0310,12000000,3000.0,400.0,2.4000,true");
        assertThat(lines.get(3)).startsWith("static,\"static w[16]\",,,1.00,0.8800,,2600000,");
        Path png = tmp.resolve("out/frontier.png");
        FrontierBench.writeFigure(png, points, 128, "0.5");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1280);
        assertThat(img.getHeight()).isEqualTo(500);
        assertThat(Files.list(tmp.resolve("out")).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("frontier.csv", "frontier.png"); // no temporary files left
    }
}
