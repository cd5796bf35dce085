package org.eennrc.experiments;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.eennrc.risk.protocol.ProtocolRow;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The paper's figures for one risk at one calibration size, as one PNG of four panels: test risk against ε with
 * the diagonal, violation rate against ε with the δ line, mean cost against ε, and relative saving against ε.
 * Rendered off-screen into a BufferedImage (no display needed; the CLI also sets {@code java.awt.headless}).
 */
public final class Charts {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0x7f7f7f), new Color(0xbcbd22)};
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font AXIS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Charts() {}

    /** Width and height of one panel; the figure is 2 × 2 panels plus a title strip. */
    static final int PANEL_W = 640;
    static final int PANEL_H = 440;
    static final int TITLE_H = 40;

    public static void write(OutputStream out, String title, List<String> controllers, List<ProtocolRow> rows,
                             double delta, String efficiencyLabel) throws IOException {
        JFreeChart risk = panel("Test risk vs ε (dashed: risk = ε)", "test risk (mean over trials)", controllers, rows,
                ProtocolRow::meanRisk);
        XYPlot rp = risk.getXYPlot();
        XYSeriesCollection rd = (XYSeriesCollection) rp.getDataset();
        XYSeries diag = new XYSeries("risk = ε");
        double lo = rows.stream().mapToDouble(ProtocolRow::epsilon).min().orElse(0);
        double hi = rows.stream().mapToDouble(ProtocolRow::epsilon).max().orElse(1);
        diag.add(lo, lo);
        diag.add(hi, hi);
        rd.addSeries(diag);
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) rp.getRenderer();
        int d = rd.getSeriesCount() - 1;
        r.setSeriesPaint(d, Color.BLACK);
        r.setSeriesShapesVisible(d, false);
        r.setSeriesStroke(d, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));

        JFreeChart viol = panel("Violation rate P(test risk > ε) vs ε", "violation rate", controllers, rows,
                ProtocolRow::violationRate);
        ValueMarker m = new ValueMarker(delta, Color.BLACK,
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        m.setLabel(String.format(Locale.ROOT, "δ = %s", trim(delta)));
        m.setLabelFont(AXIS);
        m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        viol.getXYPlot().addRangeMarker(m);
        viol.getXYPlot().getRangeAxis().setRange(-0.02, 1.02);

        JFreeChart eff = panel("Cost at the chosen threshold vs ε", efficiencyLabel, controllers, rows,
                ProtocolRow::meanEfficiency);
        JFreeChart save = panel("Relative saving vs ε", "1 − cost / cost of full model", controllers, rows,
                ProtocolRow::relativeSaving);

        int w = 2 * PANEL_W;
        int h = TITLE_H + 2 * PANEL_H;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        int tw = g.getFontMetrics().stringWidth(title);
        g.drawString(title, (w - tw) / 2, 27);
        risk.draw(g, new Rectangle2D.Double(0, TITLE_H, PANEL_W, PANEL_H));
        viol.draw(g, new Rectangle2D.Double(PANEL_W, TITLE_H, PANEL_W, PANEL_H));
        eff.draw(g, new Rectangle2D.Double(0, TITLE_H + PANEL_H, PANEL_W, PANEL_H));
        save.draw(g, new Rectangle2D.Double(PANEL_W, TITLE_H + PANEL_H, PANEL_W, PANEL_H));
        g.dispose();
        ImageIO.write(img, "png", out);
    }

    private static JFreeChart panel(String title, String yLabel, List<String> controllers, List<ProtocolRow> rows,
                                    ToDoubleFunction<ProtocolRow> y) {
        XYSeriesCollection ds = new XYSeriesCollection();
        for (String c : controllers) {
            XYSeries s = new XYSeries(c, false, true);
            for (ProtocolRow r : rows) {
                if (r.controller().equals(c) && Double.isFinite(y.applyAsDouble(r))) s.add(r.epsilon(), y.applyAsDouble(r));
            }
            ds.addSeries(s);
        }
        JFreeChart ch = ChartFactory.createXYLineChart(null, "tolerance ε", yLabel, ds, PlotOrientation.VERTICAL,
                true, false, false);
        ch.setTitle(new TextTitle(title, TITLE));
        ch.setBackgroundPaint(Color.WHITE);
        ch.getLegend().setItemFont(TICKS);
        XYPlot p = ch.getXYPlot();
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(new Color(0xdddddd));
        p.setRangeGridlinePaint(new Color(0xdddddd));
        p.getDomainAxis().setLabelFont(AXIS);
        p.getRangeAxis().setLabelFont(AXIS);
        p.getDomainAxis().setTickLabelFont(TICKS);
        p.getRangeAxis().setTickLabelFont(TICKS);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        // Distinct colour, marker and dash per controller, so that curves that coincide (e.g. ucb-hb and ltt-fst)
        // stay distinguishable: the later one is drawn dashed with a different marker on top of the earlier one.
        java.awt.Shape[] shapes = {
            new java.awt.geom.Ellipse2D.Double(-3.5, -3.5, 7, 7), new java.awt.geom.Rectangle2D.Double(-3, -3, 6, 6),
            org.jfree.chart.util.ShapeUtils.createUpTriangle(4f), org.jfree.chart.util.ShapeUtils.createDiamond(4.5f),
            org.jfree.chart.util.ShapeUtils.createDownTriangle(4f), org.jfree.chart.util.ShapeUtils.createDiagonalCross(3.5f, 1f)};

        float[][] dashes = {null, {8f, 3f}, {2f, 3f}, {10f, 3f, 2f, 3f}};
        for (int i = 0; i < controllers.size(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            float[] dash = dashes[i % dashes.length];
            r.setSeriesStroke(i, dash == null ? new BasicStroke(2f)
                    : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
            r.setSeriesShape(i, shapes[i % shapes.length]);
        }
        p.setRenderer(r);
        return ch;
    }

    static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
