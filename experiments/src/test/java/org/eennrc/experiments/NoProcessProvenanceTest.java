package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eennrc.risk.provenance.BuildInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing provenance starts no process: with a fake {@code git} first on the PATH that would leave a marker file,
 * {@code eenn protocol --out} and {@code eenn reproduce} (run in a child JVM, so that PATH can be set) leave no
 * marker, in a working directory that looks like a git checkout. The tool's version comes from the build resource.
 */
class NoProcessProvenanceTest {
    @TempDir
    Path dir;

    private int eenn(Path work, Path fakeBin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "org.eennrc.cli.EennCli"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().put("PATH", fakeBin + File.pathSeparator + System.getenv("PATH"));
        pb.environment().remove("EENN_PLUGINS");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child JVM finishes").isTrue();
        return p.exitValue();
    }

    @Test
    void provenanceRunsNoGitAndTakesTheVersionFromTheBuild() throws Exception {
        Path marker = dir.resolve("git-was-run");
        Path fakeBin = Files.createDirectories(dir.resolve("bin"));
        Path git = fakeBin.resolve("git");
        Files.writeString(git, "#!/bin/sh\necho \"$@\" >> '" + marker + "'\nexit 1\n");
        Files.setPosixFilePermissions(git, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(work.resolve(".git"));
        Files.writeString(work.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(work.resolve("losses.csv"), "0,0,0,0,0,0\n0,0,1,0,0,0\n0,1,1,0,1,0\n");
        Files.writeString(work.resolve("eff.csv"), "3\n2\n1\n");

        int code = eenn(work, fakeBin, "protocol", "--losses", "losses.csv", "--efficiency", "eff.csv", "--controllers",
                "crc", "--n-cal", "3", "--trials", "2", "--quiet", "--out", "run");
        assertThat(code).as(Files.readString(dir.resolve("stderr.txt"))).isZero();

        ReproduceEndToEndTest.writeSyntheticOutputs(work.resolve("tiny.npz"), 120, 2);
        Files.writeString(work.resolve("tiny.yaml"), """
                name: tiny
                data: {type: outputs, path: tiny.npz}
                risks: [prediction-gap]
                controllers: [crc]
                lambda_grid: {size: 11}
                protocol: {epsilons: [0.1], delta: 0.1, n_cal: [40], trials: 2, seed: 1}
                """);
        code = eenn(work, fakeBin, "reproduce", "tiny.yaml", "--out", "report", "--quiet");
        assertThat(code).as(Files.readString(dir.resolve("stderr.txt"))).isZero();

        // the fake git works when called, so its absence means it was not called
        assertThat(new ProcessBuilder(git.toString(), "probe").start().waitFor()).isEqualTo(1);
        assertThat(Files.readString(marker).strip()).isEqualTo("probe");

        ObjectMapper json = new ObjectMapper();
        for (Path prov : List.of(work.resolve("run/provenance.json"), work.resolve("report/provenance.json"))) {
            JsonNode p = json.readTree(prov.toFile());
            assertThat(p.get("version").asText()).as(prov.toString()).isEqualTo(BuildInfo.current().version())
                    .isNotEqualTo("unknown");
            assertThat(p.get("commit").asText()).isEqualTo(BuildInfo.current().commit());
        }
    }
}
