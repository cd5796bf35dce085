package org.eennrc.core.dense;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.eennrc.core.TableRisk;

/**
 * The per-image losses of dense prediction against the full model (method.md §6, "losses"), each with its declared
 * bound. {@link DenseOutputsBuilder} tabulates them per (image, exit); {@link #risk()} is the {@link TableRisk} that
 * reads the table, bound by its name in {@link org.eennrc.core.CoreModule}, so {@code --risk miscoverage} and
 * {@code risks: [miou-gap]} work everywhere.
 *
 * <table>
 *   <caption>dense risks (V: the image's pixels whose truth is not the ignore label; all pixels when unlabelled)</caption>
 *   <tr><th>name</th><th>loss of exit l</th><th>range</th><th>labels</th></tr>
 *   <tr><td>{@code miscoverage}</td><td>fraction of u ∈ V with ŷ_l(u) ≠ ŷ_L(u)</td><td>[0, 1]</td><td>no</td></tr>
 *   <tr><td>{@code miou-gap}</td><td>(1 − mIoU(ŷ_l, y)) − (1 − mIoU(ŷ_L, y))</td><td>[−1, 1]</td><td>yes</td></tr>
 *   <tr><td>{@code pixel-brier-sampled}</td><td>mean over V of ‖p_l − e_ỹ‖² − ‖p_L − e_ỹ‖², ỹ(u) ~ p_L(u)
 *       (seeded)</td><td>[−2, 2]</td><td>no</td></tr>
 *   <tr><td>{@code pixel-brier-argmax}</td><td>the same with ỹ = ŷ_L</td><td>[−2, 2]</td><td>no</td></tr>
 *   <tr><td>{@code pixel-brier-gap}</td><td>the same with ỹ = y</td><td>[−2, 2]</td><td>yes</td></tr>
 * </table>
 */
public enum DenseRisk {
    MISCOVERAGE("miscoverage", 0, 1, false, false),
    MIOU_GAP("miou-gap", -1, 1, true, false),
    BRIER_SAMPLED("pixel-brier-sampled", -2, 2, false, true),
    BRIER_ARGMAX("pixel-brier-argmax", -2, 2, false, true),
    BRIER_GAP("pixel-brier-gap", -2, 2, true, true);

    private final String riskName;
    private final double lower;
    private final double upper;
    private final boolean labels;
    private final TableRisk risk;

    DenseRisk(String riskName, double lower, double upper, boolean labels, boolean distribution) {
        this.riskName = riskName;
        this.lower = lower;
        this.upper = upper;
        this.labels = labels;
        this.risk = TableRisk.declared(riskName, lower, upper, distribution);
    }

    /** The risk's name, which is also the name of its loss table. */
    public String riskName() {
        return riskName;
    }

    public double lowerBound() {
        return lower;
    }

    /** B. */
    public double upperBound() {
        return upper;
    }

    /** Whether computing the loss needs the ground truth. */
    public boolean needsLabels() {
        return labels;
    }

    /** The risk that reads this loss's table from the outputs. */
    public TableRisk risk() {
        return risk;
    }

    /** The names of the five, in this order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(DenseRisk::riskName).toList();
    }

    /**
     * The dense risk of this name (case-insensitive, {@code _} read as {@code -}).
     *
     * @throws IllegalArgumentException listing the known names
     */
    public static DenseRisk byName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (DenseRisk r : values()) if (r.riskName.equals(key)) return r;
        throw new IllegalArgumentException("unknown dense risk '" + name + "'; known: " + names());
    }

    @Override
    public String toString() {
        return riskName;
    }
}
