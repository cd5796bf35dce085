package org.eennrc.experiments;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The picture grid of a segmentation report: one row per scene with its input, the true labels, the prediction of
 * exit 1, the prediction of the full model, and the prediction of the exit the scene took under a calibrated λ̂
 * (named in the row's caption). Labels are drawn in a fixed palette: background black, the ten Fashion-MNIST classes
 * in ten distinct colours, the ignore label white; a legend at the bottom names them.
 */
public final class SceneGrid {
    /** Colour of label 0 (background) .. 10, then of the ignore label. */
    static final Color[] PALETTE = {
        new Color(0x000000), new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22),
        new Color(0x17becf)};
    static final Color IGNORE = Color.WHITE;
    private static final int SCALE = 3;
    private static final int GAP = 8;
    private static final int HEADER = 24;
    private static final int CAPTION = 18;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private SceneGrid() {}

    /**
     * One scene's row: intensities 0–255, true labels, and predicted labels of exit 1, the full model and the exit
     * taken (0-based {@code exitTaken}), all row-major {@code size × size}.
     */
    public record Row(String caption, int[] pixels, int[] truth, int[] exit1, int[] full, int[] taken, int exitTaken) {
    }

    /**
     * Writes the grid as PNG.
     *
     * @param size        height and width of a scene
     * @param ignoreLabel the label drawn white
     * @param classNames  names of labels 0..C−1 for the legend
     */
    public static void write(OutputStream out, String title, List<Row> rows, int size, int ignoreLabel,
                             List<String> classNames) throws IOException {
        int cell = size * SCALE;
        int cols = 5;
        int legendH = 22 * ((classNames.size() + 1 + 3) / 4) + 10;
        int w = GAP + cols * (cell + GAP);
        w = Math.max(w, 4 * 170 + 2 * GAP);
        int h = HEADER + 20 + rows.size() * (cell + CAPTION + GAP) + legendH;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(0xf4f4f4));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(FONT.deriveFont(Font.BOLD, 14f));
        g.drawString(title, GAP, 17);
        g.setFont(FONT);
        String[] heads = {"input", "truth", "exit 1", "full model", "exit taken at λ̂"};
        for (int c = 0; c < cols; c++) {
            g.drawString(heads[c], GAP + c * (cell + GAP), HEADER + 14);
        }
        int y = HEADER + 20;
        for (Row r : rows) {
            int[][] maps = {null, r.truth(), r.exit1(), r.full(), r.taken()};
            for (int c = 0; c < cols; c++) {
                int x0 = GAP + c * (cell + GAP);
                for (int py = 0; py < size; py++) {
                    for (int px = 0; px < size; px++) {
                        int p = py * size + px;
                        Color col;
                        if (c == 0) {
                            int v = r.pixels()[p];
                            col = new Color(v, v, v);
                        } else {
                            col = colour(maps[c][p], ignoreLabel);
                        }
                        g.setColor(col);
                        g.fillRect(x0 + px * SCALE, y + py * SCALE, SCALE, SCALE);
                    }
                }
            }
            g.setColor(Color.BLACK);
            g.drawString(r.caption() + "; took exit " + (r.exitTaken() + 1), GAP, y + cell + 13);
            y += cell + CAPTION + GAP;
        }
        int lx = GAP;
        int ly = y + 4;
        for (int k = 0; k <= classNames.size(); k++) {
            boolean ign = k == classNames.size();
            g.setColor(ign ? IGNORE : colour(k, ignoreLabel));
            g.fillRect(lx, ly, 14, 14);
            g.setColor(Color.DARK_GRAY);
            g.drawRect(lx, ly, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(ign ? ignoreLabel + " ignore" : k + " " + classNames.get(k), lx + 18, ly + 12);
            lx += 170;
            if ((k + 1) % 4 == 0) {
                lx = GAP;
                ly += 22;
            }
        }
        g.dispose();
        ImageIO.write(img, "png", out);
    }

    static Color colour(int label, int ignoreLabel) {
        if (label == ignoreLabel) {
            return IGNORE;
        }
        if (label < 0 || label >= PALETTE.length) {
            throw new IllegalArgumentException("label " + label + " has no colour (0.." + (PALETTE.length - 1) + ", "
                    + ignoreLabel + ")");
        }
        return PALETTE[label];
    }
}
