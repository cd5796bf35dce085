package org.eennrc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.eennrc.risk.inject.EennPlugin;
import org.eennrc.risk.provenance.FileDigest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller, a confidence measure and a risk compiled here into a separate jar (not on the test class path)
 * reach every command through the documented mechanism: the plug-in path ({@code --plugins}, {@code -Deenn.plugins}
 * or {@code EENN_PLUGINS}) and a {@code META-INF/services/org.eennrc.risk.inject.EennPlugin} entry, with no config.
 */
class PluginJarTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static Path jar;

    /** The plug-in's sources, as a user would write them in their own project. */
    static final String CONTROLLER = """
            package com.example.plugin;

            import org.eennrc.risk.CalibrationResult;
            import org.eennrc.risk.Guarantee;
            import org.eennrc.risk.LossMatrix;
            import org.eennrc.risk.LossTransform;
            import org.eennrc.risk.RiskController;

            /** The naive rule under another name: the largest k whose prefix of empirical risks stays <= eps. */
            public final class JarNaive implements RiskController {
                public String name() { return "jar-naive"; }
                public Guarantee guarantee() { return Guarantee.NONE; }
                public Calibration prepare(LossMatrix cal, double delta) {
                    double[] risk = cal.means();
                    return new Calibration() {
                        public int selectIndex(double eps) {
                            int k = -1;
                            while (k + 1 < risk.length && risk[k + 1] <= eps) k++;
                            return k;
                        }
                        public CalibrationResult select(double eps) {
                            int k = selectIndex(eps);
                            int used = Math.max(k, 0);
                            return new CalibrationResult(name(), eps, delta, cal.numSamples(), used, k >= 0, guarantee(),
                                    "empirical_risk", risk, LossTransform.NONE, risk[used]);
                        }
                    };
                }
            }
            """;

    static final String MEASURE = """
            package com.example.plugin;

            import org.eennrc.core.ConfidenceMeasure;

            /** max_y p(y) under another name. */
            public final class JarTop1 implements ConfidenceMeasure {
                public String name() { return "jar-top1"; }
                public double confidence(float[] p) {
                    float m = 0f;
                    for (float v : p) if (v > m) m = v;
                    return m;
                }
            }
            """;

    static final String RISK = """
            package com.example.plugin;

            import org.eennrc.core.ExitOutputs;
            import org.eennrc.core.Risk;

            /** The prediction gap under another name. */
            public final class JarGap implements Risk {
                public String name() { return "jar-gap"; }
                public double lowerBound() { return -1; }
                public double upperBound() { return 1; }
                public boolean needsLabels() { return true; }
                public boolean aboutDistribution() { return false; }
                public double loss(ExitOutputs o, int i, int e) {
                    int last = o.numExits() - 1;
                    int y = o.label(i);
                    return (o.prediction(i, e) != y ? 1 : 0) - (o.prediction(i, last) != y ? 1 : 0);
                }
            }
            """;

    static final String MODULE = """
            package com.example.plugin;

            import com.google.inject.AbstractModule;
            import org.eennrc.core.CoreModule;
            import org.eennrc.risk.inject.EennPlugin;
            import org.eennrc.risk.inject.RiskControlModule;

            public final class JarPlugin extends AbstractModule implements EennPlugin {
                @Override
                protected void configure() {
                    RiskControlModule.controllers(binder()).addBinding("jar-naive").to(JarNaive.class);
                    CoreModule.confidenceMeasures(binder()).addBinding("jar-top1").to(JarTop1.class);
                    CoreModule.risks(binder()).addBinding("jar-gap").to(JarGap.class);
                }
            }
            """;

    /** Compiles the plug-in against the test class path and packs it with its service file. */
    @BeforeAll
    static void buildPluginJar() throws IOException {
        Path src = shared.resolve("src/com/example/plugin");
        Files.createDirectories(src);
        List<String> files = new ArrayList<>();
        for (String[] f : new String[][] {{"JarNaive", CONTROLLER}, {"JarTop1", MEASURE}, {"JarGap", RISK},
                {"JarPlugin", MODULE}}) {
            Path p = src.resolve(f[0] + ".java");
            Files.writeString(p, f[1]);
            files.add(p.toString());
        }
        Path classes = shared.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK with javac").isNotNull();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), "--release", "17", "-proc:none"));
        args.addAll(files);
        StringWriter diagnostics = new StringWriter();
        int rc = javac.run(null, null, new java.io.PrintStream(new java.io.ByteArrayOutputStream()) {
            @Override
            public void write(byte[] b, int off, int len) {
                diagnostics.write(new String(b, off, len, StandardCharsets.UTF_8));
            }
        }, args.toArray(String[]::new));
        assertThat(rc).as(diagnostics.toString()).isZero();
        jar = shared.resolve("plugins/example-plugin.jar");
        Files.createDirectories(jar.getParent());
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path c : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(c));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + EennPlugin.class.getName()));
            out.write("com.example.plugin.JarPlugin\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        // the plug-in is in the jar only, not on the test class path
        assertThat(PluginJarTest.class.getClassLoader().getResource("com/example/plugin/JarPlugin.class")).isNull();
    }

    @TempDir
    Path dir;

    static String[] with(String[] args, String... more) {
        String[] out = new String[args.length + more.length];
        System.arraycopy(args, 0, out, 0, args.length);
        System.arraycopy(more, 0, out, args.length, more.length);
        return out;
    }

    @Test
    void controllersListsThePluginControllerAndItsJar() throws IOException {
        EennCliTest.Result without = EennCliTest.run("controllers");
        assertThat(without.out()).doesNotContain("jar-naive");
        EennCliTest.Result r = EennCliTest.run("controllers", "--plugins", jar.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^jar-naive +none$");
        assertThat(r.out()).contains("jar-top1").contains("jar-gap").contains("plug-in module: com.example.plugin.JarPlugin");
        assertThat(r.out()).contains("plug-in jar: " + jar.toAbsolutePath() + " (sha256 " + FileDigest.sha256(jar) + ")");
        List<JsonNode> lines = EennCliTest.run("controllers", "--json", "--plugins", shared.resolve("plugins").toString())
                .lines();
        assertThat(lines).anySatisfy(n -> assertThat(n.path("name").asText()).isEqualTo("jar-naive"));
        assertThat(lines).anySatisfy(n -> assertThat(n.path("sha256").asText()).isEqualTo(FileDigest.sha256(jar)));
    }

    @Test
    void calibrateAndProtocolUseThePluginController() throws IOException {
        Path losses = dir.resolve("losses.csv");
        Files.writeString(losses, "0,0,0,0,0,0\n0,0,1,0,0,0\n0,1,1,0,1,0\n");
        Path eff = dir.resolve("eff.csv");
        Files.writeString(eff, "3\n2\n1\n");
        EennCliTest.Result unknown = EennCliTest.run("calibrate", "--losses", losses.toString(), "--controller",
                "jar-naive", "--epsilon", "0.2");
        assertThat(unknown.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(unknown.err()).contains("unknown controller 'jar-naive'");

        EennCliTest.Result cal = EennCliTest.run("calibrate", "--plugins", jar.toString(), "--losses", losses.toString(),
                "--controller", "jar-naive,naive", "--epsilon", "0.2");
        assertThat(cal.code()).as(cal.err()).isZero();
        JsonNode mine = cal.lines().get(0);
        assertThat(mine.get("controller").asText()).isEqualTo("jar-naive");
        // row means 0, 1/6, 1/2: the prefix up to index 1 stays <= 0.2, exactly as the built-in naive rule
        assertThat(mine.get("index").asInt()).isEqualTo(1).isEqualTo(cal.lines().get(1).get("index").asInt());

        Path out = dir.resolve("run");
        // the option may also follow the subcommand's own options (it is inherited)
        EennCliTest.Result prot = EennCliTest.run("protocol", "--losses", losses.toString(), "--efficiency",
                eff.toString(), "--controllers", "crc,jar-naive", "--epsilons", "0.1,0.2", "--n-cal", "3", "--trials",
                "4", "--quiet", "--out", out.toString(), "--plugins", jar.toString());
        assertThat(prot.code()).as(prot.err()).isZero();
        assertThat(prot.lines()).extracting(n -> n.get("controller").asText())
                .containsExactly("crc", "crc", "jar-naive", "jar-naive");
        JsonNode prov = JSON.readTree(out.resolve("provenance.json").toFile());
        assertThat(prov.get("plugins")).anySatisfy(p -> {
            assertThat(p.get("path").asText()).isEqualTo(jar.toAbsolutePath().toString());
            assertThat(p.get("sha256").asText()).isEqualTo(FileDigest.sha256(jar));
        });
        assertThat(Files.readString(out.resolve("protocol.csv"))).contains("\njar-naive,0.1,");
    }

    @Test
    void pluginMeasureAndRiskReachCalibrateOutputs() throws IOException {
        OutputsCliTest fixture = new OutputsCliTest();
        fixture.dir = dir;
        Path npz = fixture.outputs(300, true);
        String[] common = {"calibrate", "--outputs", npz.toString(), "--controller", "crc,ucb-wsr", "--epsilon",
            "0.05,0.2"};
        EennCliTest.Result builtIn = EennCliTest.run(with(common, "--risk", "prediction-gap", "--confidence",
                "max-softmax"));
        Path policy = dir.resolve("policy.json");
        EennCliTest.Result plugin = EennCliTest.run(with(common, "--risk", "jar-gap", "--confidence", "jar-top1",
                "--plugins", jar.toString()));
        assertThat(plugin.code()).as(plugin.err()).isZero();
        List<JsonNode> a = builtIn.lines();
        List<JsonNode> b = plugin.lines();
        assertThat(b).hasSameSizeAs(a).hasSize(4);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).get("risk").asText()).isEqualTo("jar-gap");
            assertThat(b.get(i).get("confidence").asText()).isEqualTo("jar-top1");
            // the same mathematics under other names gives the same numbers
            for (String key : List.of("index", "lambda", "calibration_risk", "expected_saving", "statistic")) {
                assertThat(b.get(i).get(key)).as(key).isEqualTo(a.get(i).get(key));
            }
        }
        EennCliTest.Result saved = EennCliTest.run("calibrate", "--outputs", npz.toString(), "--risk", "jar-gap",
                "--confidence", "jar-top1", "--controller", "crc", "--epsilon", "0.2", "--save-policy",
                policy.toString(), "--plugins", jar.toString());
        assertThat(saved.code()).as(saved.err()).isZero();
        assertThat(Files.readString(policy)).contains("\"confidence\": \"jar-top1\"").contains("\"risk\": \"jar-gap\"");
    }

    @Test
    void reproduceUsesThePluginWithoutAConfigEntry() throws Exception {
        org.eennrc.experiments.ReproduceEndToEndTest.writeSyntheticOutputs(dir.resolve("tiny.npz"), 200, 5);
        Path cfg = dir.resolve("tiny.yaml");
        Files.writeString(cfg, """
                name: tiny-plugin
                data: {type: outputs, path: tiny.npz}
                risks: [jar-gap]
                confidence: jar-top1
                controllers: [crc, jar-naive]
                lambda_grid: {size: 11}
                protocol: {epsilons: [0.1, 0.2], delta: 0.1, n_cal: [50], trials: 3, seed: 1}
                """);
        Path out = dir.resolve("report");
        EennCliTest.Result r = EennCliTest.run("reproduce", cfg.toString(), "--out", out.toString(), "--quiet",
                "--plugins", jar.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).anySatisfy(l -> assertThat(l).startsWith("jar-gap,50,jar-naive,none,0.1,"));
        JsonNode prov = JSON.readTree(out.resolve("provenance.json").toFile());
        assertThat(prov.get("plugins").get(0).get("sha256").asText()).isEqualTo(FileDigest.sha256(jar));
    }

    @Test
    void theSystemPropertyWorksAndTheOptionWins() {
        String before = System.getProperty(EennCli.PLUGINS_PROPERTY);
        try {
            System.setProperty(EennCli.PLUGINS_PROPERTY, jar.toString());
            assertThat(EennCliTest.run("controllers").out()).contains("jar-naive");
            // --plugins wins over the property: a bad path named by the option is reported as the option's
            EennCliTest.Result r = EennCliTest.run("controllers", "--plugins", dir.resolve("nope.jar").toString());
            assertThat(r.code()).isEqualTo(EennCli.EXIT_INPUT);
            assertThat(r.err()).contains("--plugins: plug-in path: no such jar or folder").contains("nope.jar");
        } finally {
            if (before == null) System.clearProperty(EennCli.PLUGINS_PROPERTY);
            else System.setProperty(EennCli.PLUGINS_PROPERTY, before);
        }
        assertThat(EennCli.PluginPath.choose("a", "b", "c")).isEqualTo(new EennCli.PluginPath("a", "--plugins"));
        assertThat(EennCli.PluginPath.choose(null, "b", "c").value()).isEqualTo("b");
        assertThat(EennCli.PluginPath.choose(null, null, "c").source()).isEqualTo("EENN_PLUGINS");
        assertThat(EennCli.PluginPath.choose(null, null, null).value()).isNull();
    }
}
