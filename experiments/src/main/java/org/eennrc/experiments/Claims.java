package org.eennrc.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eennrc.experiments.Reproducer.Results;
import org.eennrc.experiments.Reproducer.Run;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.protocol.ProtocolRow;

/** Checks the headline claims of method.md §5 on protocol results, with the numbers behind each verdict. */
final class Claims {
    static final String CRITERIA = "Criteria. *Risk control*: for CRC-type controllers (guarantee E[R] ≤ ε) the mean "
            + "test risk must be ≤ ε + 2 standard errors over trials at every ε; for UCB/LTT (P(R ≤ ε) ≥ 1 − δ) the "
            + "violation rate must be ≤ δ + 2 binomial standard errors √(δ(1−δ)/trials) at every ε; the naive baseline "
            + "promises nothing and is listed for contrast. *Ordering*: the relative saving averaged over the ε grid "
            + "must satisfy crc ≥ ucb-wsr ≥ ltt-fst. *UCB approaches CRC*: the gap in mean saving between crc and "
            + "ucb-wsr must shrink from the smallest to the largest n_cal. *Large savings at small ε*: the best "
            + "guaranteed controller saves at least 25 % of the full model's cost at the smallest ε of the grid.";

    record Claim(String claim, String risk, Integer nCal, String verdict, String evidence) {}

    private Claims() {}

    static List<Claim> check(Results res) {
        List<Claim> out = new ArrayList<>();
        double delta = res.config().protocol.delta;
        Map<String, Map<Integer, Map<String, Double>>> avgSaving = new LinkedHashMap<>();
        for (Run run : res.runs()) {
            int trials = run.rows().get(0).trials();
            // 1. Risk control.
            List<String> bad = new ArrayList<>();
            List<String> ev = new ArrayList<>();
            for (String c : res.controllerNames()) {
                Guarantee g = res.guarantees().get(c);
                double worst = Double.NEGATIVE_INFINITY;
                double worstEps = 0;
                boolean ok = true;
                for (ProtocolRow r : rows(run, c)) {
                    double excess;
                    boolean pass;
                    if (g == Guarantee.EXPECTATION) {
                        excess = r.meanRisk() - r.epsilon();
                        pass = excess <= 2 * r.sdRisk() / Math.sqrt(trials) + 1e-12;
                    } else {
                        excess = r.violationRate();
                        pass = g == Guarantee.NONE || r.violationRate() <= delta + 2 * Math.sqrt(delta * (1 - delta) / trials) + 1e-12;
                    }
                    if (excess > worst) {
                        worst = excess;
                        worstEps = r.epsilon();
                    }
                    ok &= pass;
                }
                String what = g == Guarantee.EXPECTATION ? String.format(Locale.ROOT, "max(mean risk − ε) = %+.4f at ε = %s", worst, Charts.trim(worstEps))
                        : String.format(Locale.ROOT, "max violation rate = %.2f at ε = %s", worst, Charts.trim(worstEps));
                ev.add(c + ": " + what + (g == Guarantee.NONE ? " (no guarantee)" : ok ? "" : " ✗"));
                if (!ok) bad.add(c);
            }
            out.add(new Claim("test risk controlled at ε (every guaranteed controller)", run.risk(), run.nCal(),
                    bad.isEmpty() ? "holds" : "fails for " + String.join(", ", bad), String.join("; ", ev)));
            // Savings averaged over ε.
            Map<String, Double> avg = new LinkedHashMap<>();
            for (String c : res.controllerNames()) {
                avg.put(c, rows(run, c).stream().mapToDouble(ProtocolRow::relativeSaving).average().orElse(Double.NaN));
            }
            avgSaving.computeIfAbsent(run.risk(), k -> new LinkedHashMap<>()).put(run.nCal(), avg);
            // 2. Ordering.
            if (avg.containsKey("crc") && avg.containsKey("ucb-wsr") && avg.containsKey("ltt-fst")) {
                double a = avg.get("crc");
                double b = avg.get("ucb-wsr");
                double c = avg.get("ltt-fst");
                out.add(new Claim("CRC least conservative, then UCB-WSR, then LTT-FST", run.risk(), run.nCal(),
                        a >= b && b >= c ? "holds" : "does not hold",
                        String.format(Locale.ROOT, "mean saving over ε: crc %.1f %%, ucb-wsr %.1f %%, ltt-fst %.1f %%", 100 * a, 100 * b, 100 * c)));
            }
            // 4. Large savings at small ε.
            double eps0 = run.rows().get(0).epsilon();
            for (ProtocolRow r : run.rows()) eps0 = Math.min(eps0, r.epsilon());
            String best = null;
            double bestSave = Double.NEGATIVE_INFINITY;
            List<String> ev4 = new ArrayList<>();
            for (String c : res.controllerNames()) {
                if (res.guarantees().get(c) == Guarantee.NONE) continue;
                for (ProtocolRow r : rows(run, c)) {
                    if (r.epsilon() != eps0) continue;
                    ev4.add(String.format(Locale.ROOT, "%s %.1f %%", c, 100 * r.relativeSaving()));
                    if (r.relativeSaving() > bestSave) {
                        bestSave = r.relativeSaving();
                        best = c;
                    }
                }
            }
            if (best != null) {
                out.add(new Claim("large savings already at small ε", run.risk(), run.nCal(),
                        bestSave >= 0.25 ? "holds" : "does not hold",
                        "saving at ε = " + Charts.trim(eps0) + ": " + String.join(", ", ev4)));
            }
        }
        // 3. UCB approaches CRC with larger n_cal.
        avgSaving.forEach((risk, byN) -> {
            if (byN.size() < 2) return;
            int lo = byN.keySet().stream().mapToInt(Integer::intValue).min().orElseThrow();
            int hi = byN.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
            Map<String, Double> a = byN.get(lo);
            Map<String, Double> b = byN.get(hi);
            if (!a.containsKey("crc") || !a.containsKey("ucb-wsr")) return;
            double gLo = a.get("crc") - a.get("ucb-wsr");
            double gHi = b.get("crc") - b.get("ucb-wsr");
            out.add(new Claim("UCB-WSR approaches CRC as n_cal grows", risk, null, gHi < gLo ? "holds" : "does not hold",
                    String.format(Locale.ROOT, "mean saving gap crc − ucb-wsr: %.1f points at n_cal %d, %.1f points at n_cal %d",
                            100 * gLo, lo, 100 * gHi, hi)));
        });
        return out;
    }

    private static List<ProtocolRow> rows(Run run, String controller) {
        return run.rows().stream().filter(r -> r.controller().equals(controller)).toList();
    }
}
