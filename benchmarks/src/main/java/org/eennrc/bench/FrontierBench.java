package org.eennrc.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import org.eennrc.core.Calibrator;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.core.Registry;
import org.eennrc.core.Risk;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.EarlyExitPredictor;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.SpeedTest;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.risk.io.AtomicFiles;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The speed/accuracy frontier on Fashion-MNIST (issue 16): test accuracy against measured images/s at batch
 * {@code --infer-batch} (128) and at batch 1, for the early-exit network's certified operating points and for a family
 * of static single-exit networks trained with the same recipe and budget. The question: does early exit with risk
 * control (method.md §1–§4) give more accuracy per image/s than simply training a smaller or larger static network?
 *
 * <p>Static members: a ResNet spec {@code widths|strides|blocks|stem} ({@code 32,64,128|1,2,2|1,1,1|32}). A member with
 * several stages is trained with exit weights 0, …, 0, 1 (only the last exit learns) and timed as the full model
 * ({@link EarlyExitPredictor#fullModel}: every stage, the last head only), so it is a single-exit network in both
 * training and compute; its unused heads cost a few hundred multiply-adds in training only.
 *
 * <p>The early-exit networks: {@code --eenn DIR[;DIR…]} (saved models, e.g. the main job's cached one) and
 * {@code --eenn-archs SPEC[;SPEC…]} (architectures in the family's grammar, trained here with the same recipe and
 * every exit weighted 1), or, when neither is given, eenn-models' default architecture trained here. Several
 * early-exit networks on one figure are how the default network is chosen (issue 16). The test set is split in two seeded halves:
 * each controller ({@code --controllers crc,ucb-wsr}) certifies the risk ({@code --risk prediction-gap}) at each ε
 * on the calibration half, and real early exit with that policy is timed on the other half (decisions checked
 * against the simulated exit), with the risk those exits give on the test half. Static members and the EENN's own
 * full model are timed on the same half.
 *
 * <p>{@code --fold} runs every network with batch norm folded into its convolutions
 * ({@link ComputationGraphModel#withFoldedBatchNorm()}); the EENN's outputs, and so its calibration, are then the
 * folded model's too, as a deployment would calibrate them.
 *
 * <p>Trained models are cached under {@code --out}/models, one folder per (architecture, recipe); a second run only
 * measures. Each network is timed in a child JVM of its own (same JVM options, class path and environment, as JMH
 * forks), because in one process the networks timed after the first came out up to 1.6x slower than alone, at batch 1
 * most of all; {@code --in-process} times them all in this JVM. {@code --train-only} trains (or finds) every network and stops before any timing, so that the training,
 * which needs no quiet machine, can run apart from (and in parallel processes before) the measurements, which do.
 * Writes {@code frontier.csv} and {@code frontier.png} (two panels: batch 128, batch 1) to {@code --out}.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java $JOPTS -cp $CP org.eennrc.bench.FrontierBench [--out runs/frontier]
 *      [--family "16,32,64|1,2,2|1,1,1|16;..."] [--eenn DIR;...] [--eenn-archs SPEC;...] [--train-only] [--in-process] [--data-dir DIR] [--epochs 4] [--max-train 0]
 *      [--batch 128] [--lr 3e-3] [--risk prediction-gap] [--controllers crc,ucb-wsr]
 *      [--epsilons 0.01,0.02,...,0.10] [--delta 0.1] [--seed 1] [--max-test 0] [--infer-batch 128]
 *      [--repeats 3] [--latency-samples 300] [--fold]
 * </pre>
 */
public final class FrontierBench {
    private static final Set<String> OPTIONS = Set.of("out", "family", "eenn", "data-dir", "epochs", "max-train",
            "batch", "lr", "risk", "controllers", "epsilons", "delta", "seed", "max-test", "infer-batch", "repeats",
            "latency-samples", "fold", "eenn-archs", "train-only", "in-process", "network", "part");

    /** The default static family (issue 16's measured one): narrower and shallower than the default early-exit network, the
     * early-exit networks' own architectures trained for their last exit only, and a deeper one. */
    static final String DEFAULT_FAMILY = String.join(";",
            "16,32,64|1,2,2|1,1,1|16",
            "32,64,128|1,2,2|1,1,1|32",
            "32,64,128,128|1,2,2,1|1,1,1,1|32",
            "32,64,128,256|1,2,2,1|1,1,1,1|32",
            "32,64,128,128|1,2,2,1|2,2,2,2|32");

    private FrontierBench() {
    }

    /** One point of the frontier. */
    record Point(String kind, String name, String controller, double epsilon, double lambda, double accuracy,
                 double testRisk, double meanMacs, double imgsBatch, double imgsOne, double medianMsOne,
                 boolean sameAsSimulated) {
    }

    public static void main(String[] argv) throws Exception {
        System.setProperty("java.awt.headless", "true"); // the figure is drawn off-screen
        Dl4jRuntime.configureProcess();
        Args a = new Args(argv, OPTIONS);
        Dl4jRuntime.init();
        long t0 = System.nanoTime();
        Path out = Path.of(a.get("out", "runs/frontier"));
        int inferBatch = a.getInt("infer-batch", 128);
        int repeats = a.getInt("repeats", 3);
        int latencyN = a.getInt("latency-samples", 300);
        int maxTest = a.getInt("max-test", 0);
        double delta = a.getDouble("delta", 0.1);
        double[] epsilons = a.getDoubles("epsilons",
                new double[] {0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10});
        String risk = a.get("risk", "prediction-gap");
        List<String> controllers = List.of(a.get("controllers", "crc,ucb-wsr").split(","));
        if (inferBatch < 1 || repeats < 1 || latencyN < 1 || maxTest < 0) {
            throw new IllegalArgumentException("--infer-batch, --repeats and --latency-samples must be >= 1, "
                    + "--max-test >= 0");
        }
        TrainConfig d = TrainConfig.defaults();
        TrainConfig recipe = d.toBuilder()
                .epochs(a.getInt("epochs", d.epochs()))
                .batchSize(a.getInt("batch", d.batchSize()))
                .learningRate(a.getDouble("lr", d.learningRate()))
                .maxTrainImages(a.getInt("max-train", 0))
                .build();
        Path dataDir = a.has("data-dir") ? Path.of(a.get("data-dir", "")) : null;
        FashionMnist data = FashionMnist.load(dataDir, recipe.validationSize(), recipe.splitSeed());
        ImageSet test = data.test();
        if (maxTest > 0 && maxTest < test.size()) {
            test = test.range(0, maxTest);
        }
        int[] perm = FashionMnist.permutation(test.size(), a.getInt("seed", 1));
        int[] cal = Arrays.copyOfRange(perm, 0, test.size() / 2);
        int[] rest = Arrays.copyOfRange(perm, test.size() / 2, perm.length);
        Arrays.sort(cal);
        Arrays.sort(rest);
        ImageSet evalSet = test.subset(rest);
        System.out.printf(Locale.ROOT, "[frontier] %s; recipe %s; %d calibration / %d test images; batch norm "
                + "folded: %b; load %s%n", Dl4jRuntime.describe(), recipe, cal.length, rest.length, a.flag("fold"), SpeedTest.loadAverage());

        boolean fold = a.flag("fold");
        boolean trainOnly = a.flag("train-only");
        String[] family = a.get("family", DEFAULT_FAMILY).split(";");
        // what to time: every early-exit network, then every static member (trained here when not cached)
        List<String> networks = new ArrayList<>();
        if (a.has("network")) {
            networks.add(a.get("network", ""));
        } else {
            if (a.has("eenn")) { // saved early-exit networks
                for (String dir : a.get("eenn", "").split(";")) {
                    networks.add("eenn:" + Path.of(dir.trim()));
                }
            }
            List<MultiExitResNetConfig> archs = new ArrayList<>();
            if (a.has("eenn-archs")) { // architectures trained here with the recipe
                for (String spec : a.get("eenn-archs", "").split(";")) {
                    archs.add(member(spec.trim()));
                }
            }
            if (networks.isEmpty() && archs.isEmpty()) {
                archs.add(MultiExitResNetConfig.defaults());
            }
            for (MultiExitResNetConfig cfg : archs) {
                trained(cfg, recipe, data, out, false);
                networks.add("eenn:" + modelDir(cfg, recipe, out, false));
            }
            for (String spec : family) {
                MultiExitResNetConfig cfg = member(spec.trim());
                trainedStatic(cfg, recipe, data, out);
                networks.add("static:" + modelDir(cfg, staticRecipe(cfg, recipe), out, true));
            }
        }
        if (trainOnly) {
            System.out.printf(Locale.ROOT, "[frontier] --train-only: %d networks trained or cached under %s; "
                    + "wall_s=%.1f%n", networks.size(), out.resolve("models"), (System.nanoTime() - t0) / 1e9);
            return;
        }
        List<Point> points = new ArrayList<>();
        if (!a.has("network") && !a.flag("in-process")) {
            // each network timed in a fresh JVM (as JMH forks): in one process, the networks timed after the first
            // came out up to 1.6x slower than alone (2026-12-02, idle machine), at batch 1 most of all
            for (int i = 0; i < networks.size(); i++) {
                Path part = out.resolve(String.format(Locale.ROOT, "part-%02d.csv", i));
                fork(argv, networks.get(i), part);
                points.addAll(readCsv(part));
                Files.delete(part);
            }
        } else {
            for (String net : networks) {
                ModelIO.TrainedModel m = ModelIO.load(Path.of(net.substring(net.indexOf(':') + 1)));
                if (net.startsWith("eenn:")) {
                    operatingPoints(m, fold, test, cal, rest, evalSet, risk, controllers, epsilons, delta,
                            inferBatch, repeats, latencyN, points);
                } else {
                    ComputationGraphModel sm = folded(MultiExitResNet.earlyExitModel(m.config(), m.graph()), fold);
                    SpeedTest.Timing t = time(sm.predictor(), evalSet, null, inferBatch, repeats, latencyN);
                    points.add(new Point("static", "static " + arch(m.config()), "", Double.NaN, 1.0,
                            t.result().accuracy(evalSet.labels()), Double.NaN, sm.fullModelCost(), t.imagesPerSecond(),
                            1000 / t.meanMs(), t.medianMs(), true));
                    print(points.get(points.size() - 1));
                }
                m = null;
                release();
            }
        }
        if (a.has("part")) {
            writeCsv(Path.of(a.get("part", "")), points, inferBatch);
            return;
        }
        writeCsv(out.resolve("frontier.csv"), points, inferBatch);
        writeFigure(out.resolve("frontier.png"), points, inferBatch, SpeedTest.loadAverage());
        System.out.printf(Locale.ROOT, "[frontier] wrote %s and %s; load %s; peak_rss_mib=%.0f wall_s=%.1f%n",
                out.resolve("frontier.csv"), out.resolve("frontier.png"), SpeedTest.loadAverage(), Rss.peakMiB(),
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The early-exit network's own full model and, for every controller and ε, the policy certified on the
     * calibration half, timed by real early exit on the test half (each distinct λ once).
     */
    private static void operatingPoints(ModelIO.TrainedModel eenn, boolean fold, ImageSet test, int[] cal, int[] rest,
                                        ImageSet evalSet, String risk, List<String> controllers, double[] epsilons,
                                        double delta, int inferBatch, int repeats, int latencyN, List<Point> points) {
        ComputationGraphModel model = folded(MultiExitResNet.earlyExitModel(eenn.config(), eenn.graph()), fold);
        ExitOutputs all = model.outputs(test.iterator(500));
        ExitOutputs calOut = all.subset(cal);
        ExitOutputs testOut = all.subset(rest);
        double[] cum = model.cumulativeCost();
        EarlyExitPredictor predictor = model.predictor();
        String eennName = "eenn " + arch(eenn.config());
        SpeedTest.Timing fullT = time(predictor, evalSet, null, inferBatch, repeats, latencyN);
        Risk riskFn = Registry.current().risk(risk);
        points.add(new Point("eenn-full", eennName, "", Double.NaN, 1.0, fullT.result().accuracy(evalSet.labels()),
                testRisk(riskFn, testOut, fullT.result()), model.fullModelCost(), fullT.imagesPerSecond(), 1000 / fullT.meanMs(),
                fullT.medianMs(), true));
        print(points.get(points.size() - 1));
        Map<Double, SpeedTest.Timing> byLambda = new HashMap<>();
        for (String c : controllers) {
            for (double eps : epsilons) {
                Calibrator calibrator = Calibrator.builder().risk(risk).controller(c.trim()).epsilon(eps).delta(delta)
                        .build();
                ExitPolicy policy = calibrator.fit(calOut);
                ExitResult sim = policy.apply(testOut);
                SpeedTest.Timing t = byLambda.get(policy.lambda());
                if (t == null) {
                    t = time(predictor, evalSet, policy, inferBatch, repeats, latencyN);
                    byLambda.put(policy.lambda(), t);
                }
                points.add(new Point("eenn", eennName, c.trim(), eps, policy.lambda(),
                        t.result().accuracy(evalSet.labels()), testRisk(riskFn, testOut, t.result()), sim.meanCost(cum),
                        t.imagesPerSecond(), 1000 / t.meanMs(), t.medianMs(), t.result().sameDecisions(sim)));
                print(points.get(points.size() - 1));
            }
        }
    }

    /** A static member: only its last exit is trained (exit weights 0, …, 0, 1). */
    static ModelIO.TrainedModel trainedStatic(MultiExitResNetConfig cfg, TrainConfig recipe, FashionMnist data,
                                              Path out) throws IOException {
        return trained(cfg, staticRecipe(cfg, recipe), data, out, true);
    }

    /** The recipe with only the last exit weighted: a static member is a single-exit network. */
    static TrainConfig staticRecipe(MultiExitResNetConfig cfg, TrainConfig recipe) {
        double[] w = new double[cfg.numExits()];
        w[w.length - 1] = 1;
        return recipe.toBuilder().exitWeights(w).build();
    }

    /** The cache folder of (architecture, recipe): a hash of both descriptions. */
    static Path modelDir(MultiExitResNetConfig cfg, TrainConfig recipe, Path out, boolean isStatic) {
        String key = cfg + " " + recipe;
        return out.resolve("models").resolve((isStatic ? "static-" : "eenn-")
                + String.format(Locale.ROOT, "%08x", key.hashCode()));
    }

    /** Runs this bench in a child JVM (same JVM options, class path and environment) for one network. */
    private static void fork(String[] argv, String network, Path part) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FrontierBench.class.getName());
        cmd.addAll(Arrays.asList(argv));
        cmd.add("--network");
        cmd.add(network);
        cmd.add("--part");
        cmd.add(part.toString());
        int code = new ProcessBuilder(cmd).inheritIO().start().waitFor();
        if (code != 0 || !Files.isRegularFile(part)) {
            throw new IllegalStateException("timing " + network + " in a child JVM failed (exit code " + code + ")");
        }
    }

    /** The points of a CSV written by {@link #writeCsv}. */
    static List<Point> readCsv(Path file) throws IOException {
        List<Point> points = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([^,]*),\"([^\"]*)\",(.*)$").matcher(line);
            if (!m.matches()) {
                throw new IOException(file + ": not a frontier row: " + line);
            }
            String[] f = m.group(3).split(",", -1);
            if (f.length != 10) {
                throw new IOException(file + ": expected 12 columns: " + line);
            }
            points.add(new Point(m.group(1), m.group(2), f[0], f[1].isEmpty() ? Double.NaN : Double.parseDouble(f[1]),
                    Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    f[4].isEmpty() ? Double.NaN : Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]),
                    Boolean.parseBoolean(f[9])));
        }
        return points;
    }

    /**
     * Frees what the network just timed left behind (its workspaces, its graphs once unreferenced), so that the next
     * network is not timed in a process that is short of memory: with several models timed in one JVM, the later
     * ones came out up to 1.6x slower than in a fresh process (2026-12-02, same models, idle machine).
     */
    private static void release() {
        org.nd4j.linalg.factory.Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
        System.gc();
    }

    /** The risk on the test half of the exits real early exit took (method.md §2: the mean loss). */
    static double testRisk(Risk risk, ExitOutputs outputs, ExitResult r) {
        double sum = 0;
        int[] exits = r.exits();
        for (int i = 0; i < exits.length; i++) {
            sum += risk.loss(outputs, i, exits[i]);
        }
        return sum / exits.length;
    }

    private static ComputationGraphModel folded(ComputationGraphModel m, boolean fold) {
        return fold ? m.withFoldedBatchNorm() : m;
    }

    /** A static member from {@code widths|strides|blocks|stem}. */
    static MultiExitResNetConfig member(String spec) {
        String[] p = spec.split("\\|");
        if (p.length != 4) {
            throw new IllegalArgumentException("a family member is widths|strides|blocks|stem, e.g. "
                    + "32,64,128|1,2,2|1,1,1|32; got '" + spec + "'");
        }
        try {
            return MultiExitResNetConfig.defaults().toBuilder().widths(ints(p[0])).strides(ints(p[1]))
                    .blocks(ints(p[2])).stemWidth(Integer.parseInt(p[3].trim())).headHidden(0).seed(42).build();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("family member '" + spec + "': " + e.getMessage());
        }
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    static String arch(MultiExitResNetConfig c) {
        return "w" + Arrays.toString(c.widths()).replace(" ", "") + " s" + Arrays.toString(c.strides()).replace(" ", "")
                + " b" + Arrays.toString(c.blocks()).replace(" ", "") + " stem" + c.stemWidth();
    }

    /**
     * The trained model of (architecture, recipe) from the cache folder, training it when absent. The folder name
     * is a hash of both descriptions; the description is stored next to the model and must match on reuse.
     */
    static ModelIO.TrainedModel trained(MultiExitResNetConfig cfg, TrainConfig recipe, FashionMnist data, Path out,
                                        boolean isStatic) throws IOException {
        String key = cfg + " " + recipe;
        Path dir = modelDir(cfg, recipe, out, isStatic);
        Path done = dir.resolve("frontier-key.txt");
        if (Files.exists(done)) {
            String stored = Files.readString(done, StandardCharsets.UTF_8);
            if (!stored.equals(key)) {
                throw new IllegalStateException(dir + " holds another model (" + stored + "); remove it or use "
                        + "another --out");
            }
            System.out.println("[frontier] reusing " + dir + ": " + cfg);
            return ModelIO.load(dir);
        }
        System.out.println("[frontier] training " + (isStatic ? "static " : "early-exit ") + cfg + " into " + dir);
        // a folder without the key is an interrupted run of this bench: continue from its last checkpoint if any
        boolean resume = false;
        Path checkpoints = dir.resolve("checkpoints");
        if (Files.isDirectory(checkpoints)) {
            try (var files = Files.list(checkpoints)) {
                resume = files.findAny().isPresent();
            }
        }
        Trainer.TrainResult r = Trainer.train(cfg, recipe, data.train(), data.validation(), dir, resume, 0,
                TrainingListener.printing(System.out, "img"));
        System.out.printf(Locale.ROOT, "[frontier] trained in %.1f s (%.0f images/s)%n", r.wallSeconds(),
                r.trainImagesPerSecond());
        AtomicFiles.write(done, o -> o.write(key.getBytes(StandardCharsets.UTF_8)));
        return ModelIO.load(dir);
    }

    /** Throughput at the batch size (best of repeats) and batch-1 latencies of the full model or of a policy. */
    static SpeedTest.Timing time(EarlyExitPredictor p, ImageSet set, ExitPolicy policy, int batch, int repeats,
                                 int latencyN) {
        return SpeedTest.time(p, policy, SpeedTest.inputs(set), batch, repeats, latencyN);
    }

    private static void print(Point q) {
        System.out.printf(Locale.ROOT, "[frontier] POINT %s %s %s eps=%s lambda=%.2f acc=%.4f test_risk=%.4f "
                        + "macs_M=%.3f img_s=%.0f img_s_b1=%.0f median_ms_b1=%.3f same_as_simulated=%b%n", q.kind,
                q.name, q.controller.isEmpty() ? "-" : q.controller, Double.isNaN(q.epsilon) ? "-" : q.epsilon,
                q.lambda, q.accuracy, q.testRisk, q.meanMacs / 1e6, q.imgsBatch, q.imgsOne, q.medianMsOne, q.sameAsSimulated);
    }

    static void writeCsv(Path file, List<Point> points, int batch) throws IOException {
        AtomicFiles.write(file, o -> {
            PrintWriter w = new PrintWriter(new OutputStreamWriter(o, StandardCharsets.UTF_8));
            w.println("kind,name,controller,epsilon,lambda,test_accuracy,test_risk,mean_macs,images_per_s_batch" + batch
                    + ",images_per_s_batch1,median_ms_batch1,same_as_simulated");
            for (Point q : points) {
                w.printf(Locale.ROOT, "%s,\"%s\",%s,%s,%.2f,%.4f,%s,%.0f,%.1f,%.1f,%.4f,%b%n", q.kind, q.name,
                        q.controller, Double.isNaN(q.epsilon) ? "" : String.format(Locale.ROOT, "%.2f", q.epsilon),
                        q.lambda, q.accuracy,
                        Double.isNaN(q.testRisk) ? "" : String.format(Locale.ROOT, "%.4f", q.testRisk), q.meanMacs, q.imgsBatch, q.imgsOne, q.medianMsOne, q.sameAsSimulated);
            }
            w.flush();
        });
    }

    /** Two panels side by side: accuracy against images/s (log axis) at the batch size and at batch 1. */
    static void writeFigure(Path file, List<Point> points, int batch, String load) throws IOException {
        int pw = 640;
        int ph = 460;
        int th = 40;
        BufferedImage img = new BufferedImage(2 * pw, ph + th, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Fashion-MNIST: test accuracy vs measured images/s (load " + load + ")", 12, 26);
        panel("batch " + batch, points, true).draw(g, new java.awt.geom.Rectangle2D.Double(0, th, pw, ph));
        panel("batch 1", points, false).draw(g, new java.awt.geom.Rectangle2D.Double(pw, th, pw, ph));
        g.dispose();
        AtomicFiles.write(file, o -> ImageIO.write(img, "png", o));
    }

    private static JFreeChart panel(String title, List<Point> points, boolean atBatch) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Point q : points) {
            String name = switch (q.kind) {
                case "eenn" -> "early exit " + q.name.split(" ")[1] + ", " + q.controller;
                case "eenn-full" -> "full model of an early-exit net";
                default -> "static networks";
            };
            series.computeIfAbsent(name, k -> new XYSeries(k, false, true))
                    .add(atBatch ? q.imgsBatch : q.imgsOne, q.accuracy);
        }
        XYSeriesCollection ds = new XYSeriesCollection();
        series.values().forEach(ds::addSeries);
        LogAxis x = new LogAxis("images/s (" + title + ", log scale)");
        x.setSmallestValue(1);
        x.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        NumberAxis y = new NumberAxis("test accuracy (test half)");
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        Color[] palette = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x7f7f7f),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
            new Color(0xbcbd22)};
        for (int i = 0; i < ds.getSeriesCount(); i++) {
            r.setSeriesPaint(i, palette[i % palette.length]);
            r.setSeriesStroke(i, new BasicStroke(1.5f));
        }
        XYPlot plot = new XYPlot(ds, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
