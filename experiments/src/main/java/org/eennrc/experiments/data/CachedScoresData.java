package org.eennrc.experiments.data;

import com.google.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.experiments.config.ExperimentConfig.CachedScores;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.io.MatrixFiles;
import org.eennrc.risk.io.Npy;
import org.eennrc.risk.io.NpyArray;
import org.eennrc.risk.protocol.EfficiencyTable;

/**
 * Cached per-threshold scores (the CALM data): loss[k][j] = scores[ref][j] − scores[k][j] (the {@code score-gap}
 * risk, range [−B, B]); the efficiency file gives the cost per threshold (or per threshold and sample).
 */
public final class CachedScoresData implements ExperimentData {
    private final ExperimentConfig config;
    private final CachedScores data;

    @Inject
    public CachedScoresData(ExperimentConfig config) {
        this.config = config;
        this.data = (CachedScores) config.data;
    }

    @Override
    public List<RiskInput> load(List<String> risks, Log log) throws IOException {
        String where = String.valueOf(config.source);
        log.info("reading scores " + data.scores);
        double[][] scores = read(data.scores, where, "data.scores");
        int k = scores.length;
        int ref = data.referenceRow;
        if (ref >= k) throw new ConfigException(where, "data.reference_row", ref + " is not a row of " + data.scores + " (" + k + " rows)");
        int n = scores[0].length;
        double[][] loss = new double[k][n];
        for (int r = 0; r < k; r++) {
            if (scores[r].length != n) throw new ConfigException(where, "data.scores", "rows of different lengths in " + data.scores);
            for (int j = 0; j < n; j++) loss[r][j] = scores[ref][j] - scores[r][j];
        }
        LossMatrix losses;
        try {
            losses = LossMatrix.of(loss, data.bound);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where, "data.scores", e.getMessage() + " (declare a larger data.bound?)", e);
        }
        EfficiencyTable eff = efficiency(data.efficiency, where, k, n);
        double[] lambdas = null;
        if (data.lambdas != null) {
            lambdas = MatrixFiles.readVector(data.lambdas);
            if (lambdas.length != k) {
                throw new ConfigException(where, "data.lambdas", data.lambdas + " has " + lambdas.length + " values but the scores have " + k + " rows");
            }
        }
        double[] curve = losses.means();
        double maxViolation = 0;
        double runningMin = Double.POSITIVE_INFINITY;
        for (int r = k - 1; r >= 0; r--) {
            runningMin = Math.min(runningMin, curve[r]);
            maxViolation = Math.max(maxViolation, curve[r] - runningMin);
        }
        Map<String, Object> diag = new LinkedHashMap<>();
        diag.put("risk_curve", curve);
        diag.put("max_curve_violation", maxViolation);
        List<String> warnings = new ArrayList<>();
        if (maxViolation > 0.005) {
            warnings.add(String.format(Locale.ROOT, "the empirical risk curve is not monotone: it rises by up to %.4f"
                    + " as λ grows (CRC and UCB assume marginal monotonicity; LTT-FST does not)", maxViolation));
        }
        List<RiskInput> out = new ArrayList<>();
        for (String r : risks) out.add(new RiskInput(r, losses, eff, data.efficiencyLabel, lambdas, diag, warnings));
        return out;
    }

    private static double[][] read(Path file, String where, String key) throws IOException {
        try {
            return MatrixFiles.readMatrix(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(where, key, file + ": " + e.getMessage(), e);
        }
    }

    private static EfficiencyTable efficiency(Path file, String where, int k, int n) throws IOException {
        EfficiencyTable t;
        try {
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
                NpyArray a = Npy.read(file);
                if (a.ndim() == 1) t = EfficiencyTable.perLambda(a.toDoubleArray());
                else if (a.ndim() == 2) t = EfficiencyTable.perSample(a.toDoubleMatrix());
                else throw new IllegalArgumentException("expected 1-D or 2-D, got shape " + Arrays.toString(a.shape()));
            } else {
                double[][] m = MatrixFiles.readMatrix(file);
                if (m.length == 1) t = EfficiencyTable.perLambda(m[0]);
                else if (Arrays.stream(m).allMatch(r -> r.length == 1)) t = EfficiencyTable.perLambda(Arrays.stream(m).mapToDouble(r -> r[0]).toArray());
                else t = EfficiencyTable.perSample(m);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(where, "data.efficiency", file + ": " + e.getMessage(), e);
        }
        if (t.numLambdas() != k) throw new ConfigException(where, "data.efficiency", file + " has " + t.numLambdas() + " thresholds but the scores have " + k);
        if (t.isPerSample() && t.numSamples() != n) throw new ConfigException(where, "data.efficiency", file + " has " + t.numSamples() + " samples but the scores have " + n);
        return t;
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scores", Files2.describe(data.scores));
        m.put("efficiency", Files2.describe(data.efficiency));
        if (data.lambdas != null) m.put("lambdas", Files2.describe(data.lambdas));
        return m;
    }
}
