package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.eennrc.cli.EennCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eenn reproduce --out} never deletes what eenn did not write (issue 12), and config values that would be
 * truncated, mis-sized or unknown are refused before any work, naming the key.
 */
class ReproduceRefusalsTest {
    @TempDir Path dir;
    Path cfg;

    record Run(int code, String out, String err) {}

    static Run reproduce(String... args) {
        StringWriter so = new StringWriter();
        StringWriter se = new StringWriter();
        String[] a = new String[args.length + 2];
        a[0] = "reproduce";
        System.arraycopy(args, 0, a, 1, args.length);
        a[a.length - 1] = "--quiet";
        int code = EennCli.run(a, new PrintWriter(so), new PrintWriter(se));
        return new Run(code, so.toString(), se.toString());
    }

    static List<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @BeforeEach
    void config() throws Exception {
        ReproduceEndToEndTest.writeSyntheticOutputs(dir.resolve("tiny.npz"), 200, 5);
        cfg = config("tiny.yaml", "controllers: [naive, crc]", "trials: 2");
    }

    Path config(String name, String controllers, String trials) throws Exception {
        return Files.writeString(dir.resolve(name), """
                name: tiny
                data: {type: outputs, path: tiny.npz}
                risks: [prediction-gap]
                %s
                lambda_grid: {size: 11}
                protocol:
                  epsilons: [0.1]
                  n_cal: 50
                  %s
                """.formatted(controllers, trials));
    }

    @Test
    void aFolderOfTheUsersFilesIsNeverReplacedEvenWithForce() throws Exception {
        Path out = dir.resolve("notes");
        Files.createDirectories(out);
        Files.writeString(out.resolve("todo.md"), "mine");
        for (String force : new String[] {"--out", "--force"}) {
            Run r = force.equals("--force") ? reproduce(cfg.toString(), "--out", out.toString(), "--force")
                    : reproduce(cfg.toString(), "--out", out.toString());
            assertThat(r.code()).as(r.err()).isEqualTo(EennCli.EXIT_INPUT);
            assertThat(r.err()).contains("--out " + out, "did not write").doesNotContain("\tat ");
        }
        assertThat(names(out)).containsExactly("todo.md");
    }

    @Test
    void aRegularFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("report"), "x");
        Run r = reproduce(cfg.toString(), "--out", file.toString(), "--force");
        assertThat(r.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains("is a file");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void theCurrentFolderIsRefused() throws Exception {
        List<String> before = names(Path.of("."));
        Run r = reproduce(cfg.toString(), "--out", ".", "--force");
        assertThat(r.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains("current folder");
        assertThat(names(Path.of("."))).isEqualTo(before);
    }

    @Test
    void anEarlierReportIsReplacedOnlyWithForceAndSiblingsAreNeverTouched() throws Exception {
        Path out = dir.resolve("report");
        for (String sib : new String[] {"report.old", "report.tmp"}) {
            Files.createDirectories(dir.resolve(sib));
            Files.writeString(dir.resolve(sib).resolve("keep"), sib);
        }
        assertThat(reproduce(cfg.toString(), "--out", out.toString()).code()).isZero();
        assertThat(names(out)).contains(".eenn-report", "report.md", "results.csv");
        Run again = reproduce(cfg.toString(), "--out", out.toString());
        assertThat(again.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(again.err()).contains("holds an earlier eenn result; pass --force");
        Run forced = reproduce(cfg.toString(), "--out", out.toString(), "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        for (String sib : new String[] {"report.old", "report.tmp"}) {
            assertThat(Files.readString(dir.resolve(sib).resolve("keep"))).isEqualTo(sib);
        }
        assertThat(names(dir)).containsExactly("report", "report.old", "report.tmp", "tiny.npz", "tiny.yaml");
    }

    @Test
    void anUnknownControllerIsAConfigErrorWithTheKeyPathAndTheKnownNames() throws Exception {
        Path bad = config("bad.yaml", "controllers: [crc, magic]", "trials: 2");
        Run r = reproduce(bad.toString(), "--out", dir.resolve("r").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains(bad + ": controllers[1]: unknown controller 'magic'; known: ", "crc", "ucb-wsr")
                .doesNotContain("Provision").doesNotContain("internal error");
    }

    @Test
    void aFractionalTrialCountIsRefusedNotTruncated() throws Exception {
        Path bad = config("bad.yaml", "controllers: [crc]", "trials: 20.5");
        Run r = reproduce(bad.toString(), "--out", dir.resolve("r").toString());
        assertThat(r.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains("protocol.trials", "expected an integer", "20.5");
    }

    @Test
    void duplicateControllersAreRefused() throws Exception {
        Path bad = config("bad.yaml", "controllers: [crc, naive, crc]", "trials: 2");
        Run r = reproduce(bad.toString(), "--out", dir.resolve("r").toString());
        assertThat(r.code()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains("controllers[2]", "listed twice");
    }

    @Test
    void trainingKeysAreCheckedWhenTheConfigIsReadBeforeAnyCacheFolderExists() throws Exception {
        Path fm = dir.resolve("fm");
        Files.createDirectories(fm);
        String base = """
                name: fm
                data: {type: fashion-mnist, dir: fm}
                model: {type: multi-exit-resnet, cache_dir: cache}
                training: {%s}
                risks: [prediction-gap]
                controllers: [crc]
                protocol: {epsilons: 0.1, n_cal: 100}
                """;
        String[][] cases = {
            {"exit_weights: [1, 1]", "training.exit_weights", "has 4 exits, got 2 weights"},
            {"learning_rate: 0", "training.learning_rate", "finite number > 0"},
            {"learning_rate: -1e-3", "training.learning_rate", "finite number > 0"},
            {"max_train_images: -5", "training.max_train_images", "at least 0"},
            {"epochs: 0", "training.epochs", "at least 1"},
            {"warmup_fraction: 1.5", "training.warmup_fraction", "[0, 1)"},
            {"epochs: 2.5", "training.epochs", "expected an integer"},
        };
        for (String[] c : cases) {
            Path y = Files.writeString(dir.resolve("fm.yaml"), base.formatted(c[0]));
            Run r = reproduce(y.toString(), "--out", dir.resolve("r").toString());
            assertThat(r.code()).as(c[0] + ": " + r.err()).isEqualTo(EennCli.EXIT_INPUT);
            assertThat(r.err()).as(c[0]).contains(y + ": " + c[1], c[2]).doesNotContain("TrainConfig[");
            assertThat(dir.resolve("cache")).as("no cache folder for " + c[0]).doesNotExist();
        }
    }

    @Test
    void missingTrainingDataIsInvalidInputNotAnInternalError() throws Exception {
        Path fm = dir.resolve("fm-empty");
        Files.createDirectories(fm);
        Path y = Files.writeString(dir.resolve("fm.yaml"), """
                name: fm
                data: {type: fashion-mnist, dir: fm-empty}
                model: {type: multi-exit-resnet, cache_dir: cache}
                risks: [prediction-gap]
                controllers: [crc]
                protocol: {epsilons: 0.1, n_cal: 100}
                """);
        Run r = reproduce(y.toString(), "--out", dir.resolve("r").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(EennCli.EXIT_INPUT);
        assertThat(r.err()).contains("Fashion-MNIST not found").doesNotContain("internal error");
    }
}
