package org.eennrc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eennrc.cli.EennCliTest.assertCleanError;
import static org.eennrc.cli.EennCliTest.run;
import static org.eennrc.cli.EennCliTest.synthetic;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.eennrc.risk.io.Npy;
import org.eennrc.risk.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What the CLI refuses (docs/user-guide.md, "What eenn refuses, and why"): outputs that would replace what eenn
 * did not write, inputs whose headers lie, nonsense numbers; each a one-line error with the documented exit code.
 */
class RefusalsTest {
    @TempDir Path dir;

    private Path npy(String name, double[][] m) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, NpyArray.ofMatrix(m));
        return p;
    }

    private Path npy(String name, double[] v) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, NpyArray.ofDoubles(v, v.length));
        return p;
    }

    private String[] protocol(Path losses, Path eff, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("protocol", "--losses", losses.toString(), "--efficiency",
                eff.toString(), "--n-cal", "50", "--quiet"));
        a.addAll(List.of(more));
        for (String[] d : new String[][] {{"--controllers", "naive,crc"}, {"--epsilons", "0.05,0.1"}, {"--trials", "3"}}) {
            if (!a.contains(d[0])) a.addAll(List.of(d));
        }
        return a.toArray(new String[0]);
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- outputs -------------------------------------------------------------------------------------------

    @Test
    void protocolOutNeverReplacesAFolderOfTheUsersFiles() throws IOException {
        Path losses = npy("l.npy", synthetic(4, 150, 1));
        Path eff = npy("eff.npy", new double[] {4, 3, 2, 1});
        Path out = dir.resolve("mine");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.md"), "my notes");
        for (String[] extra : new String[][] {{}, {"--force"}}) {
            EennCliTest.Result r = run(protocol(losses, eff, concat(new String[] {"--out", out.toString()}, extra)));
            assertCleanError(r, EennCli.EXIT_INPUT, "--out " + out, "did not write");
        }
        assertThat(names(out)).containsExactly("notes.md");
    }

    @Test
    void protocolOutRefusesAnEarlierResultWithoutForceAndItsExtraFilesEvenWithForce() throws IOException {
        Path losses = npy("l.npy", synthetic(4, 150, 1));
        Path eff = npy("eff.npy", new double[] {4, 3, 2, 1});
        Path out = dir.resolve("run");
        assertThat(run(protocol(losses, eff, "--out", out.toString())).code()).isZero();
        assertCleanError(run(protocol(losses, eff, "--out", out.toString())), EennCli.EXIT_INPUT, "--force");
        Files.writeString(out.resolve("analysis.ipynb"), "{}");
        assertCleanError(run(protocol(losses, eff, "--out", out.toString(), "--force")), EennCli.EXIT_INPUT,
                "analysis.ipynb");
        assertThat(out.resolve("analysis.ipynb")).exists();
    }

    @Test
    void outputLocationIsCheckedBeforeTheWorkAndNamesTheUsersPath() throws IOException {
        Path losses = npy("l.npy", synthetic(4, 150, 1));
        Path eff = npy("eff.npy", new double[] {4, 3, 2, 1});
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file");
        Path out = blocker.resolve("sub/run");
        EennCliTest.Result r = run(protocol(losses, eff, "--out", out.toString()));
        assertCleanError(r, EennCli.EXIT_INPUT, "--out " + out, "is a file");
        assertThat(r.out()).as("no rows printed: nothing ran").isEmpty();
        assertThat(r.err()).doesNotContain(".tmp");
    }

    @Test
    void currentFolderIsNeverAResultFolder() throws IOException {
        Path losses = npy("l.npy", synthetic(4, 150, 1));
        Path eff = npy("eff.npy", new double[] {4, 3, 2, 1});
        List<String> before = names(Path.of("."));
        assertCleanError(run(protocol(losses, eff, "--out", ".", "--force")), EennCli.EXIT_INPUT, "current folder");
        assertThat(names(Path.of("."))).isEqualTo(before);
    }

    @Test
    void savePolicyRefusesToOverwriteAFileThatIsNotAPolicyAndChecksBeforeTheWork() throws Exception {
        Path outputs = dir.resolve("o.npz");
        org.eennrc.experiments.ReproduceEndToEndTestAccess.writeSyntheticOutputs(outputs, 200, 3);
        Path notes = Files.writeString(dir.resolve("notes.json"), "{\"mine\": true}");
        String[] cal = {"calibrate", "--outputs", outputs.toString(), "--risk", "prediction-gap", "--controller", "crc",
            "--epsilon", "0.1", "--save-policy"};
        for (String force : new String[] {"", "--force"}) {
            String[] a = concat(cal, force.isEmpty() ? new String[] {notes.toString()} : new String[] {notes.toString(), force});
            assertCleanError(run(a), EennCli.EXIT_INPUT, "--save-policy " + notes, "not an earlier eenn exit policy");
        }
        assertThat(Files.readString(notes)).isEqualTo("{\"mine\": true}");

        Path policy = dir.resolve("p.json");
        assertThat(run(concat(cal, new String[] {policy.toString()})).code()).isZero();
        assertCleanError(run(concat(cal, new String[] {policy.toString()})), EennCli.EXIT_INPUT, "--force");
        EennCliTest.Result again = run(concat(cal, new String[] {policy.toString(), "--force"}));
        assertThat(again.code()).as(again.err()).isZero();

        Path under = notes.resolve("p.json");
        assertCleanError(run(concat(cal, new String[] {under.toString()})), EennCli.EXIT_INPUT,
                "--save-policy " + under, "is a file");
    }

    @Test
    void exportOutMustBeAnNpzAndReplacesOnlyAnEarlierArchiveWithForce() throws IOException {
        Path taken = Files.writeString(dir.resolve("data.npz"), "my data, not a zip");
        EennCliTest.Result r = run("export", "--model", dir.toString(), "--out", taken.toString(), "--force");
        assertCleanError(r, EennCli.EXIT_INPUT, "--out " + taken, "not an earlier npz archive");
        assertThat(Files.readString(taken)).isEqualTo("my data, not a zip");
        Path zip = dir.resolve("old.npz");
        Npy.write(dir.resolve("x.npy"), NpyArray.ofDoubles(new double[] {1}, 1));
        org.eennrc.risk.io.Npz.write(zip, java.util.Map.of("x", NpyArray.ofDoubles(new double[] {1}, 1)), false);
        assertCleanError(run("export", "--model", dir.toString(), "--out", zip.toString()), EennCli.EXIT_INPUT,
                "--out " + zip, "--force");
        EennCliTest.Result csv = run("export", "--model", dir.toString(), "--out", dir.resolve("o.csv").toString());
        assertThat(csv.code()).isEqualTo(EennCli.EXIT_USAGE);
        assertThat(csv.err()).contains("*.npz");
    }

    @Test
    void trainOutRefusesAFolderOfOtherFilesBeforeLoadingAnything() throws IOException {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        Files.writeString(out.resolve("model.zip"), "the user's own model.zip");
        assertCleanError(run("train", "--out", out.toString(), "--tiny"), EennCli.EXIT_INPUT, "--out " + out,
                "did not write");
        assertThat(Files.readString(out.resolve("model.zip"))).isEqualTo("the user's own model.zip");
    }

    // ---- inputs --------------------------------------------------------------------------------------------

    /** A .npy whose header claims (20000, 20000) float64 in 928 bytes. */
    private Path lyingNpy() throws IOException {
        StringBuilder h = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (20000, 20000), }");
        while (10 + h.length() + 1 < 128) h.append(' ');
        h.append('\n');
        byte[] b = new byte[928];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length(), 0};
        System.arraycopy(magic, 0, b, 0, 10);
        byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(hb, 0, b, 10, hb.length);
        return Files.write(dir.resolve("bomb.npy"), b);
    }

    @Test
    void aHeaderClaimingGigabytesInASmallFileIsACleanInputError() throws IOException {
        Path bomb = lyingNpy();
        assertCleanError(run("calibrate", "--losses", bomb.toString(), "--controller", "crc", "--epsilon", "0.1"),
                EennCli.EXIT_INPUT, "--losses", "bomb.npy", "3200000000 data bytes", "only 800");
    }

    @Test
    void aFileLargerThanTheHeapIsOneLineOfAdviceWithExitCodeThree() throws IOException {
        // A sparse file: the header is honest, the data (tens of GB of zeros) takes no disk space.
        long rows = 2, cols = Runtime.getRuntime().maxMemory() / 8 + 1024;
        org.junit.jupiter.api.Assumptions.assumeTrue(cols < Integer.MAX_VALUE / 2);
        StringBuilder h = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }");
        while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
        h.append('\n');
        Path big = dir.resolve("big.npy");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length(), (byte) (h.length() >> 8)});
            f.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            f.setLength(f.length() + rows * cols * 8);
        }
        EennCliTest.Result r = run("calibrate", "--losses", big.toString(), "--controller", "crc", "--epsilon", "0.1");
        assertThat(r.code()).as(r.err()).isEqualTo(EennCli.EXIT_INTERNAL);
        assertThat(r.err().strip()).doesNotContain("\n").contains("big.npy", "heap", "-Xmx", "JAVA_OPTS");
    }

    @Test
    void anOutOfMemoryErrorAnywhereIsOneLineWithAdviceAndExitCodeThree() {
        StringWriter err = new StringWriter();
        CommandLine cl = EennCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err));
        cl.addSubcommand("boom", new Boom());
        int code = EennCli.execute(cl, new String[] {"boom"});
        assertThat(code).isEqualTo(EennCli.EXIT_INTERNAL);
        assertThat(err.toString().strip()).doesNotContain("\n").doesNotContain("\tat ")
                .contains("out of memory", "-Xmx", "JAVA_OPTS");
        // wrapped (e.g. by a parallel executor)
        StringWriter err2 = new StringWriter();
        CommandLine cl2 = EennCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err2));
        cl2.addSubcommand("boom", new WrappedBoom());
        cl2.setErr(new PrintWriter(err2)); // subcommands added later do not inherit the writer
        assertThat(EennCli.execute(cl2, new String[] {"boom"})).isEqualTo(EennCli.EXIT_INTERNAL);
        assertThat(err2.toString()).contains("out of memory", "-Xmx");
    }

    @CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @CommandLine.Command(name = "boom")
    static final class WrappedBoom implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            throw new java.util.concurrent.ExecutionException(new OutOfMemoryError("Java heap space"));
        }
    }

    @Test
    void fortranOrderedLossesGiveTheSameAnswerAsCOrder() throws IOException {
        double[][] m = synthetic(5, 120, 4);
        Path c = npy("c.npy", m);
        // Fortran order: the bytes of m's transpose in C order, with a header saying shape (5, 120), fortran True.
        double[] flatT = new double[5 * 120];
        for (int k = 0; k < 5; k++) for (int i = 0; i < 120; i++) flatT[i * 5 + k] = m[k][i];
        byte[] bytes;
        try (var os = new java.io.ByteArrayOutputStream()) {
            Npy.write(os, NpyArray.ofDoubles(flatT, 120, 5));
            bytes = os.toByteArray();
        }
        String s = new String(bytes, StandardCharsets.ISO_8859_1)
                .replace("'fortran_order': False, 'shape': (120, 5)", "'fortran_order': True , 'shape': (5, 120)");
        Path f = Files.write(dir.resolve("f.npy"), s.getBytes(StandardCharsets.ISO_8859_1));
        String[] tail = {"--controller", "crc,ltt-fst", "--epsilon", "0.1,0.2"};
        EennCliTest.Result viaC = run(concat(new String[] {"calibrate", "--losses", c.toString()}, tail));
        EennCliTest.Result viaF = run(concat(new String[] {"calibrate", "--losses", f.toString()}, tail));
        assertThat(viaF.code()).as(viaF.err()).isZero();
        assertThat(viaF.out()).isEqualTo(viaC.out());
    }

    @Test
    void aTransposedLossMatrixIsRefusedUnlessSomethingConfirmsItsRows() throws IOException {
        double[][] m = synthetic(6, 40, 2);
        double[][] t = new double[40][6];
        for (int k = 0; k < 6; k++) for (int i = 0; i < 40; i++) t[i][k] = m[k][i];
        Path transposed = npy("t.npy", t);
        String[] cal = {"calibrate", "--losses", transposed.toString(), "--controller", "crc", "--epsilon", "0.1"};
        assertCleanError(run(cal), EennCli.EXIT_INPUT, "40 rows (thresholds) and 6 columns", "transposed",
                "--transposed-ok");
        EennCliTest.Result ok = run(concat(cal, new String[] {"--transposed-ok"}));
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.err()).contains("warning: row 0 of --losses is lambda = 1 (the full model)", "transposed");
        double[] lambdas = new double[40];
        for (int k = 0; k < 40; k++) lambdas[k] = 1 - k / 40.0;
        EennCliTest.Result confirmed = run(concat(cal, new String[] {"--lambdas", npy("lam.npy", lambdas).toString()}));
        assertThat(confirmed.code()).as(confirmed.err()).isZero();
        // The right orientation: no warning.
        EennCliTest.Result right = run("calibrate", "--losses", npy("m.npy", m).toString(), "--controller", "crc",
                "--epsilon", "0.1");
        assertThat(right.code()).isZero();
        assertThat(right.err()).isEmpty();
    }

    @Test
    void deeplyNestedPolicyJsonIsACleanInputError() throws IOException {
        Path p = Files.writeString(dir.resolve("deep.json"), "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000));
        assertCleanError(run("infer", "--model", dir.toString(), "--policy", p.toString()), EennCli.EXIT_INPUT,
                "--policy", "nested deeper than 64");
    }

    // ---- numbers and names ---------------------------------------------------------------------------------

    @Test
    void usageErrorsExitTwoAndNameTheOption() throws IOException {
        Path losses = npy("l.npy", synthetic(4, 150, 1));
        Path eff = npy("eff.npy", new double[] {4, 3, 2, 1});
        String[][] cases = {
            {"--epsilons", "0.01:0.19:1e-300", "at most 10000"},
            {"--epsilons", "0.01:abc:0.01", "--epsilons: 'abc'"},
            {"--epsilons", "0.1,0.1", "0.1 is given twice"},
            {"--controllers", "crc,crc", "'crc' is given twice"},
            {"--trials", "0", "--trials must be at least 1"},
            {"--trials", "abc", "--trials"},
        };
        for (String[] c : cases) {
            EennCliTest.Result r = run(protocol(losses, eff, c[0], c[1]));
            assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(EennCli.EXIT_USAGE);
            assertThat(r.err()).contains(c[2]).doesNotContain("\tat ").doesNotContain("For input string");
        }
        EennCliTest.Result eps = run("calibrate", "--losses", losses.toString(), "--controller", "crc", "--epsilon", "abc");
        assertThat(eps.code()).isEqualTo(EennCli.EXIT_USAGE);
        assertThat(eps.err()).contains("--epsilon: 'abc'");
        EennCliTest.Result limit = run("infer", "--model", dir.toString(), "--policy", dir.toString(), "--limit", "-1");
        assertThat(limit.code()).isEqualTo(EennCli.EXIT_USAGE);
        assertThat(limit.err()).contains("--limit must be at least 1, got -1");
        EennCliTest.Result images = run("train", "--out", dir.resolve("t").toString(), "--max-train-images", "-5");
        assertThat(images.code()).isEqualTo(EennCli.EXIT_USAGE);
        assertThat(images.err()).contains("--max-train-images must be at least 0, got -5");
    }

    @Test
    void nonsenseLearningRatesAreRefusedNamingTheOption() {
        for (String lr : new String[] {"NaN", "Infinity", "-0.1", "0"}) {
            assertCleanError(run("train", "--out", dir.resolve("t").toString(), "--tiny", "--lr", lr),
                    EennCli.EXIT_INPUT, "--lr must be a finite number > 0, got");
        }
        assertThat(dir.resolve("t")).doesNotExist();
    }

    @Test
    void missingCommandListsEveryCommand() {
        EennCliTest.Result r = run();
        assertThat(r.code()).isEqualTo(EennCli.EXIT_USAGE);
        assertThat(r.err()).contains("calibrate, protocol, controllers, train, export, infer, reproduce");
    }

    @Test
    void outputsMessagesSpeakOfTheOutputs() throws Exception {
        Path outputs = dir.resolve("o.npz");
        org.eennrc.experiments.ReproduceEndToEndTestAccess.writeSyntheticOutputs(outputs, 120, 3);
        EennCliTest.Result r = run("protocol", "--outputs", outputs.toString(), "--risk", "prediction-gap",
                "--controllers", "crc", "--n-cal", "500");
        assertCleanError(r, EennCli.EXIT_INPUT, "--n-cal 500 leaves no test samples: the outputs have 120 samples");
        EennCliTest.Result e = run("protocol", "--outputs", outputs.toString(), "--risk", "prediction-gap",
                "--controllers", "crc", "--efficiency", npy("e.npy", new double[] {1, 2}).toString());
        assertCleanError(e, EennCli.EXIT_INPUT, "but the outputs have 101");
    }

    @Test
    void anSlf4jBindingIsOnTheClasspathSoDl4jPrintsNoBinderWarning() throws Exception {
        // Without a binding SLF4J 1.7 prints "Failed to load class org.slf4j.impl.StaticLoggerBinder" to stderr.
        assertThat(Class.forName("org.slf4j.impl.StaticLoggerBinder")).isNotNull();
    }

    static String[] concat(String[] a, String[] b) {
        return EennCliTest.concat(a, b);
    }
}
