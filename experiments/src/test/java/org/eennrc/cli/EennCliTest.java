package org.eennrc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eennrc.risk.io.Npy;
import org.eennrc.risk.io.NpyArray;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the CLI in-process on small temporary files. */
class EennCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
        List<JsonNode> lines() {
            List<JsonNode> nodes = new ArrayList<>();
            for (String l : out.split("\n")) {
                if (l.isBlank()) continue;
                try {
                    nodes.add(JSON.readTree(l));
                } catch (IOException e) {
                    throw new AssertionError("stdout line is not JSON: " + l, e);
                }
            }
            return nodes;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EennCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    Path csv(String name, double[][] m) throws IOException {
        String text = Arrays.stream(m)
                .map(r -> Arrays.stream(r).mapToObj(Double::toString).collect(Collectors.joining(",")))
                .collect(Collectors.joining("\n", "", "\n"));
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    Path csvText(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    Path npy(String name, double[][] m) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, NpyArray.ofMatrix(m));
        return p;
    }

    Path npy(String name, double[] v) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, NpyArray.ofDoubles(v, v.length));
        return p;
    }

    static double[][] constant(int rows, int cols, double v) {
        double[][] m = new double[rows][cols];
        for (double[] r : m) Arrays.fill(r, v);
        return m;
    }

    /** Rows with the given means over 20 samples of 0/1 losses: mean m means 20·m ones. */
    static double[][] withMeans(double... means) {
        double[][] m = new double[means.length][20];
        for (int k = 0; k < means.length; k++) {
            int ones = (int) Math.round(means[k] * 20);
            for (int i = 0; i < ones; i++) m[k][i] = 1;
        }
        return m;
    }

    /** Synthetic 0/1 losses whose risk grows with the grid index; row 0 is all zero. */
    static double[][] synthetic(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        double[][] m = new double[rows][cols];
        for (int k = 1; k < rows; k++) {
            double p = 0.3 * k / (rows - 1);
            for (int i = 0; i < cols; i++) m[k][i] = rnd.nextDouble() < p ? 1 : 0;
        }
        return m;
    }

    static void assertCleanError(Result r, int code, String... fragments) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(code);
        assertThat(r.out()).isEmpty();
        String firstLine = r.err().strip();
        assertThat(firstLine).as("one line on stderr").doesNotContain("\n");
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        for (String f : fragments) assertThat(r.err()).contains(f);
    }

    @Nested
    class Help {
        @Test
        void topLevelAndEveryCommandHaveHelp() {
            Result top = run("--help");
            assertThat(top.code()).isZero();
            assertThat(top.out()).contains("calibrate", "protocol", "controllers", "Exit codes");
            for (String cmd : List.of("calibrate", "protocol", "controllers")) {
                Result r = run(cmd, "--help");
                assertThat(r.code()).as(cmd).isZero();
                assertThat(r.out()).as(cmd).contains("Usage: eenn " + cmd);
            }
            assertThat(run("protocol", "--help").out()).contains("--scores", "--reference-row", "--efficiency",
                    "--n-cal", "--trials", "--seed", "--out", "violation_rate");
            assertThat(run("calibrate", "--help").out()).contains("--losses", "--controller", "--epsilon",
                    "--delta", "--lambdas", "--bound");
        }

        @Test
        void noCommandIsAUsageError() {
            Result r = run();
            assertThat(r.code()).isEqualTo(EennCli.EXIT_USAGE);
            assertThat(r.err()).contains("missing command");
        }

        @Test
        void missingRequiredOptionIsAUsageError() {
            Result r = run("calibrate", "--controller", "crc", "--epsilon", "0.1");
            assertThat(r.code()).isEqualTo(EennCli.EXIT_USAGE);
            assertThat(r.err()).contains("--losses").contains("--help");
            assertThat(r.err().strip()).doesNotContain("\n");
        }
    }

    @Nested
    class Controllers {
        @Test
        void listsEveryBuiltInControllerWithItsGuarantee() {
            Result r = run("controllers");
            assertThat(r.code()).isZero();
            for (String name : List.of("naive", "crc", "crc-prefix", "ucb-hoeffding", "ucb-bentkus", "ucb-hb",
                    "ucb-wsr", "ltt-fst", "ltt-bonferroni")) {
                assertThat(r.out()).contains(name);
            }
            assertThat(r.out()).containsPattern("(?m)^crc +E\\[R\\] <= eps$");
            assertThat(r.out()).containsPattern("(?m)^ucb-wsr +P\\(R <= eps\\) >= 1 - delta$");
        }

        @Test
        void jsonLines() {
            List<JsonNode> lines = run("controllers", "--json").lines();
            assertThat(lines).anySatisfy(n -> {
                assertThat(n.get("name").asText()).isEqualTo("naive");
                assertThat(n.get("guarantee").asText()).isEqualTo("none");
            });
            assertThat(lines).anySatisfy(n -> {
                assertThat(n.get("name").asText()).isEqualTo("ltt-fst");
                assertThat(n.get("guarantee").asText()).isEqualTo("high_probability");
            });
        }
    }

    @Nested
    class Calibrate {
        @Test
        void jsonLinesHaveTheContractKeys() throws IOException {
            Path losses = csv("l.csv", synthetic(6, 50, 1));
            Result r = run("calibrate", "--losses", losses.toString(), "--controller", "crc,ucb-wsr,ltt-fst",
                    "--epsilon", "0.05,0.1,0.2");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
            List<JsonNode> lines = r.lines();
            assertThat(lines).hasSize(9);
            for (JsonNode n : lines) {
                assertThat(n.fieldNames()).toIterable().contains("controller", "epsilon", "delta", "index",
                        "feasible", "status", "lambda", "n", "guarantee", "statistic_name", "transform",
                        "calibration_risk", "statistic");
                assertThat(n.get("statistic").size()).isEqualTo(6);
                assertThat(n.get("n").asInt()).isEqualTo(50);
                assertThat(n.get("delta").asDouble()).isEqualTo(0.1);
                assertThat(n.get("lambda").isNull()).isTrue();
            }
            assertThat(lines.stream().map(n -> n.get("controller").asText()).distinct())
                    .containsExactly("crc", "ucb-wsr", "ltt-fst");
            JsonNode ltt = lines.get(6);
            assertThat(ltt.get("transform").asText()).isEqualTo("max(x,0)");
            assertThat(ltt.get("statistic_name").asText()).isEqualTo("p_value");
            assertThat(lines.get(0).get("transform").asText()).isEqualTo("none");
            assertThat(lines.get(0).get("guarantee").asText()).isEqualTo("expectation");
        }

        @Test
        void allZeroLossesLetCrcPickTheLastIndex() throws IOException {
            Path losses = csv("zero.csv", constant(5, 20, 0.0));
            Path lambdas = csvText("lambdas.csv", "1,0.75,0.5,0.25,0\n");
            Result r = run("calibrate", "--losses", losses.toString(), "--controller", "crc",
                    "--epsilon", "0.1", "--lambdas", lambdas.toString());
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode n = r.lines().get(0);
            assertThat(n.get("index").asInt()).isEqualTo(4);
            assertThat(n.get("lambda").asDouble()).isEqualTo(0.0);
            assertThat(n.get("feasible").asBoolean()).isTrue();
            assertThat(n.get("status").asText()).isEqualTo("certified");
            // CRC statistic: (n/(n+1))·0 + B/(n+1) = 1/21 at every threshold.
            for (JsonNode s : n.get("statistic")) assertThat(s.asDouble()).isCloseTo(1.0 / 21, within(1e-12));
            assertThat(n.get("calibration_risk").asDouble()).isZero();
        }

        @Test
        void handComputedNaiveAndCrc() throws IOException {
            // R̂ = 0, 0.05, 0.1, 0.2 on n = 20. naive: largest k with R̂ < 0.1 is 1.
            // CRC: (20/21)R̂ + 1/21 = 0.0476, 0.0952, 0.1429, 0.2381: largest k with <= 0.1 is 1.
            Path losses = npy("l.npy", withMeans(0, 0.05, 0.1, 0.2));
            List<JsonNode> lines = run("calibrate", "--losses", losses.toString(), "--controller", "naive,crc",
                    "--epsilon", "0.1").lines();
            assertThat(lines.get(0).get("index").asInt()).isEqualTo(1);
            assertThat(lines.get(0).get("statistic_name").asText()).isEqualTo("empirical_risk");
            assertThat(lines.get(0).get("statistic").get(3).asDouble()).isCloseTo(0.2, within(1e-12));
            assertThat(lines.get(1).get("index").asInt()).isEqualTo(1);
            assertThat(lines.get(1).get("statistic").get(2).asDouble()).isCloseTo(3.0 / 21, within(1e-12));
        }

        @Test
        void nothingCertifiedMeansTheFullModel() throws IOException {
            // CRC needs B/(n+1) = 1/21 <= ε, which fails at ε = 0.01.
            Path losses = csv("zero.csv", constant(3, 20, 0.0));
            JsonNode n = run("calibrate", "--losses", losses.toString(), "--controller", "crc",
                    "--epsilon", "0.01").lines().get(0);
            assertThat(n.get("feasible").asBoolean()).isFalse();
            assertThat(n.get("index").asInt()).isZero();
            assertThat(n.get("status").asText()).isEqualTo("infeasible: full model");
        }

        @Test
        void scoresGiveTheScoreGapAgainstTheReferenceRow() throws IOException {
            double[][] scores = {
                {0.9, 0.5, 0.7, 0.4},
                {0.8, 0.6, 0.7, 0.1},
                {0.2, 0.5, 0.3, 0.4}};
            double[][] gaps = LossOptions.scoreGap(scores, 0);
            assertThat(gaps[0]).containsExactly(0, 0, 0, 0);
            assertThat(gaps[1][0]).isCloseTo(0.1, within(1e-12));
            assertThat(gaps[1][1]).isCloseTo(-0.1, within(1e-12));
            assertThat(gaps[2][3]).isCloseTo(0.0, within(1e-12));
            assertThat(gaps[1][3]).isCloseTo(0.3, within(1e-12));

            Path s = npy("scores.npy", scores);
            Path l = npy("gaps.npy", gaps);
            Result viaScores = run("calibrate", "--scores", s.toString(), "--reference-row", "0",
                    "--controller", "naive,ucb-wsr", "--epsilon", "0.2");
            Result viaLosses = run("calibrate", "--losses", l.toString(), "--controller", "naive,ucb-wsr",
                    "--epsilon", "0.2");
            assertThat(viaScores.code()).as(viaScores.err()).isZero();
            assertThat(viaScores.out()).isEqualTo(viaLosses.out());
            JsonNode naive = viaScores.lines().get(0);
            assertThat(naive.get("statistic").get(1).asDouble()).isCloseTo(0.3 / 4, within(1e-12));
            assertThat(naive.get("statistic").get(2).asDouble()).isCloseTo((0.7 + 0 + 0.4 + 0) / 4, within(1e-12));

            // Another reference row: gaps against row 2.
            JsonNode ref2 = run("calibrate", "--scores", s.toString(), "--reference-row", "2", "--bound", "1",
                    "--controller", "naive", "--epsilon", "0.5").lines().get(0);
            assertThat(ref2.get("statistic").get(2).asDouble()).isZero();
            assertThat(ref2.get("statistic").get(0).asDouble()).isCloseTo((1.4 - 2.5) / 4, within(1e-12));
        }
    }

    @Nested
    class Errors {
        @Test
        void unknownControllerListsTheKnownOnes() throws IOException {
            Path losses = csv("l.csv", constant(3, 10, 0));
            Result r = run("calibrate", "--losses", losses.toString(), "--controller", "crc,magic",
                    "--epsilon", "0.1");
            assertCleanError(r, EennCli.EXIT_INPUT, "unknown controller 'magic'", "known:", "crc", "ucb-wsr",
                    "ltt-fst");
        }

        @Test
        void missingFile() {
            Result r = run("calibrate", "--losses", dir.resolve("nope.npy").toString(), "--controller", "crc",
                    "--epsilon", "0.1");
            assertCleanError(r, EennCli.EXIT_INPUT, "--losses", "file not found", "nope.npy");
        }

        @Test
        void nanIsNamed() throws IOException {
            Path losses = csvText("nan.csv", "0,0,0\n0,NaN,0\n");
            Result r = run("calibrate", "--losses", losses.toString(), "--controller", "crc", "--epsilon", "0.1");
            assertCleanError(r, EennCli.EXIT_INPUT, "loss[1][1]", "NaN");
        }

        @Test
        void nonNumberInCsvIsNamed() throws IOException {
            Path losses = csvText("bad.csv", "0,0,0\n0,x,0\n");
            Result r = run("calibrate", "--losses", losses.toString(), "--controller", "crc", "--epsilon", "0.1");
            assertCleanError(r, EennCli.EXIT_INPUT, "line 2", "'x'");
        }

        @Test
        void lossAboveTheBound() throws IOException {
            Path losses = csvText("big.csv", "0,0,0\n0,1.5,0\n");
            Result r = run("calibrate", "--losses", losses.toString(), "--controller", "crc", "--epsilon", "0.1");
            assertCleanError(r, EennCli.EXIT_INPUT, "loss[1][1] = 1.5", "above the declared upper bound", "--bound");
            Result ok = run("calibrate", "--losses", losses.toString(), "--bound", "2", "--controller", "crc",
                    "--epsilon", "0.1");
            assertThat(ok.code()).as(ok.err()).isZero();
            assertThat(ok.lines().get(0).get("bound").asDouble()).isEqualTo(2.0);
        }

        @Test
        void epsilonAndDeltaOutsideTheUnitInterval() throws IOException {
            Path losses = csv("l.csv", constant(3, 10, 0));
            assertCleanError(run("calibrate", "--losses", losses.toString(), "--controller", "crc",
                    "--epsilon", "0.1,1.5"), EennCli.EXIT_INPUT, "epsilon", "(0, 1)", "1.5");
            assertCleanError(run("calibrate", "--losses", losses.toString(), "--controller", "crc",
                    "--epsilon", "0"), EennCli.EXIT_INPUT, "epsilon", "(0, 1)");
            assertCleanError(run("calibrate", "--losses", losses.toString(), "--controller", "crc",
                    "--epsilon", "0.1", "--delta", "1"), EennCli.EXIT_INPUT, "delta", "(0, 1)");
            Path eff = npy("eff.npy", new double[] {3, 2, 1});
            assertCleanError(run("protocol", "--losses", losses.toString(), "--efficiency", eff.toString(),
                    "--controllers", "crc", "--epsilons", "0.1", "--delta", "-0.1", "--n-cal", "5"),
                    EennCli.EXIT_INPUT, "delta", "(0, 1)");
        }

        @Test
        void lambdasOfTheWrongLength() throws IOException {
            Path losses = csv("l.csv", constant(5, 10, 0));
            Path lambdas = npy("lam.npy", new double[] {1, 0.5, 0});
            assertCleanError(run("calibrate", "--losses", losses.toString(), "--controller", "crc",
                    "--epsilon", "0.1", "--lambdas", lambdas.toString()), EennCli.EXIT_INPUT,
                    "--lambdas", "has 3 values", "5 thresholds");
        }

        @Test
        void efficiencyShapeMismatch() throws IOException {
            Path losses = npy("l.npy", synthetic(4, 30, 2));
            Path eff3 = npy("eff3.npy", new double[] {3, 2, 1});
            assertCleanError(run("protocol", "--losses", losses.toString(), "--efficiency", eff3.toString(),
                    "--controllers", "crc", "--epsilons", "0.1", "--n-cal", "10", "--trials", "2"),
                    EennCli.EXIT_INPUT, "--efficiency", "3 thresholds", "4");
            Path effCols = npy("effc.npy", constant(4, 29, 1));
            assertCleanError(run("protocol", "--losses", losses.toString(), "--efficiency", effCols.toString(),
                    "--controllers", "crc", "--epsilons", "0.1", "--n-cal", "10", "--trials", "2"),
                    EennCli.EXIT_INPUT, "--efficiency", "29 samples", "30");
        }

        @Test
        void nCalLeavingNoTestSet() throws IOException {
            Path losses = npy("l.npy", synthetic(4, 30, 2));
            Path eff = npy("eff.npy", new double[] {4, 3, 2, 1});
            assertCleanError(run("protocol", "--losses", losses.toString(), "--efficiency", eff.toString(),
                    "--controllers", "crc", "--n-cal", "30"), EennCli.EXIT_INPUT, "--n-cal 30", "no test samples");
        }

        @Test
        void referenceRowOutOfRange() throws IOException {
            Path s = npy("s.npy", constant(3, 5, 0.5));
            assertCleanError(run("calibrate", "--scores", s.toString(), "--reference-row", "3",
                    "--controller", "crc", "--epsilon", "0.1"), EennCli.EXIT_INPUT, "--reference-row 3", "3 rows");
        }

        @Test
        void verbosePrintsTheStackTrace() {
            Result r = run("calibrate", "--losses", dir.resolve("nope.csv").toString(), "--controller", "crc",
                    "--epsilon", "0.1", "--verbose");
            assertThat(r.code()).isEqualTo(EennCli.EXIT_INPUT);
            assertThat(r.err()).contains("file not found").contains("\tat ");
        }
    }

    @Nested
    class ProtocolCmd {
        String[] args(Path losses, Path eff, String... more) {
            return argsWithSeed(losses, eff, "7", more);
        }

        String[] argsWithSeed(Path losses, Path eff, String seed, String... more) {
            List<String> a = new ArrayList<>(List.of("protocol", "--losses", losses.toString(), "--efficiency",
                    eff.toString(), "--controllers", "naive,crc,ucb-wsr,ltt-fst", "--epsilons", "0.05:0.15:0.05",
                    "--delta", "0.1", "--n-cal", "100", "--trials", "20", "--seed", seed));
            a.addAll(List.of(more));
            return a.toArray(String[]::new);
        }

        @Test
        void oneJsonLinePerControllerAndEpsilonAndReproducible() throws IOException {
            Path losses = npy("l.npy", synthetic(11, 400, 3));
            Path eff = npy("eff.npy", new double[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0.5});
            Result r = run(args(losses, eff));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).as("no progress for a short run").isEmpty();
            List<JsonNode> lines = r.lines();
            assertThat(lines).hasSize(12);
            for (JsonNode n : lines) {
                assertThat(n.fieldNames()).toIterable().containsExactlyElementsOf(ProtocolCommand.COLUMNS);
                assertThat(n.get("trials").asInt()).isEqualTo(20);
                assertThat(n.get("n_cal").asInt()).isEqualTo(100);
                assertThat(n.get("violation_rate").asDouble()).isBetween(0.0, 1.0);
                assertThat(n.get("mean_efficiency").asDouble()).isBetween(0.5, 10.0);
                assertThat(n.get("relative_saving").asDouble())
                        .isCloseTo(1 - n.get("mean_efficiency").asDouble() / 10, within(1e-9));
            }
            assertThat(lines.get(1).get("epsilon").asDouble()).isEqualTo(0.1);
            // The high-probability controllers are more conservative than CRC here.
            double crcIndex = lines.get(4).get("mean_index").asDouble();
            double lttIndex = lines.get(10).get("mean_index").asDouble();
            assertThat(lttIndex).isLessThanOrEqualTo(crcIndex);

            assertThat(run(args(losses, eff)).out()).isEqualTo(r.out());
            assertThat(run(argsWithSeed(losses, eff, "8")).out()).isNotEqualTo(r.out());
        }

        @Test
        void scoresAndPerSampleEfficiencyFromCsv() throws IOException {
            double[][] losses = synthetic(5, 60, 4);
            double[][] scores = new double[5][60];
            for (int k = 0; k < 5; k++) for (int j = 0; j < 60; j++) scores[k][j] = 1 - losses[k][j];
            double[][] eff = new double[5][60];
            for (int k = 0; k < 5; k++) Arrays.fill(eff[k], 5 - k);
            Path s = csv("scores.csv", scores);
            Path e = csv("eff.csv", eff);
            Path l = csv("losses.csv", losses);
            String[] common = {"--efficiency", e.toString(), "--controllers", "crc,ucb-hb", "--epsilons", "0.1,0.2",
                "--n-cal", "30", "--trials", "5"};
            Result viaScores = run(concat(new String[] {"protocol", "--scores", s.toString()}, common));
            Result viaLosses = run(concat(new String[] {"protocol", "--losses", l.toString()}, common));
            assertThat(viaScores.code()).as(viaScores.err()).isZero();
            assertThat(viaScores.out()).isEqualTo(viaLosses.out());
            assertThat(viaScores.lines()).hasSize(4);
        }

        @Test
        void outWritesCsvJsonAndProvenanceAtomically() throws IOException {
            Path losses = npy("l.npy", synthetic(6, 200, 5));
            Path eff = npy("eff.npy", new double[] {6, 5, 4, 3, 2, 1});
            Path out = dir.resolve("results/run1");
            // An earlier run's folder is replaced whole with --force.
            Result earlier = run(args(losses, eff, "--out", out.toString()));
            assertThat(earlier.code()).as(earlier.err()).isZero();
            Result r = run(concat(args(losses, eff, "--out", out.toString()), new String[] {"--force"}));
            assertThat(r.code()).as(r.err()).isZero();

            try (Stream<Path> files = Files.list(out)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .as("no temporary files left behind")
                        .containsExactlyInAnyOrder("protocol.csv", "protocol.json", "provenance.json", ".eenn-report");
            }
            try (Stream<Path> files = Files.list(out.getParent())) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("run1");
            }
            List<String> csvLines = Files.readAllLines(out.resolve("protocol.csv"));
            assertThat(csvLines.get(0)).isEqualTo(String.join(",", ProtocolCommand.COLUMNS));
            assertThat(csvLines).hasSize(1 + 12);
            assertThat(csvLines.get(1)).startsWith("naive,0.05,0.1,100,20,");

            JsonNode json = JSON.readTree(out.resolve("protocol.json").toFile());
            assertThat(json.isArray()).isTrue();
            List<JsonNode> stdout = r.lines();
            assertThat(json.size()).isEqualTo(stdout.size());
            for (int i = 0; i < stdout.size(); i++) assertThat(json.get(i)).isEqualTo(stdout.get(i));
            // CSV and JSON agree.
            String[] first = csvLines.get(1).split(",");
            assertThat(Double.parseDouble(first[5])).isEqualTo(stdout.get(0).get("mean_risk").asDouble());

            JsonNode prov = JSON.readTree(out.resolve("provenance.json").toFile());
            assertThat(prov.get("seed").asLong()).isEqualTo(7);
            assertThat(prov.get("args").get(0).asText()).isEqualTo("protocol");
            assertThat(prov.get("tool").asText()).isEqualTo("eenn");
            assertThat(prov.get("command").asText()).isEqualTo("protocol");
            assertThat(prov.get("java").asText()).isNotBlank();
            assertThat(prov.get("os").asText()).isNotBlank();
            assertThat(prov.get("version").asText()).isEqualTo(org.eennrc.risk.provenance.BuildInfo.current().version());
            assertThat(prov.has("commit")).isTrue();
            assertThat(prov.get("plugins").isArray()).isTrue();
            assertThat(prov.get("started_at").asText()).isNotBlank();
            assertThat(prov.get("durations_s").get("total").asDouble()).isPositive();
            assertThat(prov.get("inputs").get(0).get("sha256").asText()).hasSize(64);
            assertThat(prov.get("settings").get("n_cal").asInt()).isEqualTo(100);
        }

        @Test
        void outThatIsAFileIsRejected() throws IOException {
            Path losses = npy("l.npy", synthetic(3, 150, 6));
            Path eff = npy("eff.npy", new double[] {3, 2, 1});
            Path file = Files.writeString(dir.resolve("taken"), "x");
            assertCleanError(run(args(losses, eff, "--out", file.toString())), EennCli.EXIT_INPUT,
                    "--out", "not a folder");
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
