package org.eennrc.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ConfigLoader;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.experiments.config.ExperimentConfig.CachedScores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data folder of a config ({@code data_dir}): how it is chosen, what relative data paths mean, and the errors. */
class DataDirTest {
    @TempDir
    Path dir;

    static final String CONFIG = """
            name: scores
            data_dir:
              env: EENN_TEST_DATA
              path: default-data
              help: download scores.p and convert it (docs/data.md).
            data:
              type: cached-scores
              scores: s.csv
              efficiency: e.csv
            risks: [score-gap]
            controllers: [crc]
            protocol: {epsilons: 0.1, n_cal: 2}
            """;

    private Path config(String text) throws IOException {
        Path f = dir.resolve("cfg").resolve("scores.yaml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
        return f;
    }

    private static void fill(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("s.csv"), "1,1,1\n0.5,1,0\n");
        Files.writeString(folder.resolve("e.csv"), "2\n1\n");
    }

    private static Function<String, String> env(Map<String, String> vars) {
        return vars::get;
    }

    @Test
    void theVariableWinsAndRelativeDataPathsResolveAgainstItsFolder() throws IOException {
        Path data = dir.resolve("elsewhere");
        fill(data);
        fill(dir.resolve("cfg/default-data"));
        ExperimentConfig c = ConfigLoader.load(config(CONFIG), env(Map.of("EENN_TEST_DATA", data.toString())));
        CachedScores s = (CachedScores) c.data;
        assertThat(s.scores).isEqualTo(data.resolve("s.csv"));
        assertThat(s.efficiency).isEqualTo(data.resolve("e.csv"));
        assertThat(c.dataDir.resolved).isEqualTo(data);
    }

    @Test
    void withTheVariableUnsetOrBlankTheDefaultFolderIsRelativeToTheConfig() throws IOException {
        fill(dir.resolve("cfg/default-data"));
        Path f = config(CONFIG);
        for (Map<String, String> vars : java.util.List.of(Map.<String, String>of(), Map.of("EENN_TEST_DATA", " "))) {
            CachedScores s = (CachedScores) ConfigLoader.load(f, env(vars)).data;
            assertThat(s.scores).isEqualTo(dir.resolve("cfg/default-data/s.csv"));
        }
    }

    @Test
    void absoluteDataPathsIgnoreTheDataFolder() throws IOException {
        fill(dir.resolve("cfg/default-data"));
        Path elsewhere = dir.resolve("abs.csv");
        Files.writeString(elsewhere, "2\n1\n");
        CachedScores s = (CachedScores) ConfigLoader.load(config(CONFIG.replace("efficiency: e.csv",
                "efficiency: " + elsewhere)), env(Map.of())).data;
        assertThat(s.efficiency).isEqualTo(elsewhere);
        assertThat(s.scores).isEqualTo(dir.resolve("cfg/default-data/s.csv"));
    }

    @Test
    void aMissingFolderSaysWhichFolderWhyAndHowToGetTheData() throws IOException {
        Path f = config(CONFIG);
        assertThatThrownBy(() -> ConfigLoader.load(f, env(Map.of()))).isInstanceOf(ConfigException.class)
                .hasMessage(f + ": data_dir: data folder not found: " + dir.resolve("cfg/default-data")
                        + " (EENN_TEST_DATA is not set, so the default data_dir.path was used). Set EENN_TEST_DATA to"
                        + " the folder that holds the data files, or put them there. How to get the data: download"
                        + " scores.p and convert it (docs/data.md).");
        Path none = dir.resolve("none");
        assertThatThrownBy(() -> ConfigLoader.load(f, env(Map.of("EENN_TEST_DATA", none.toString()))))
                .hasMessageStartingWith(f + ": data_dir: data folder not found: " + none
                        + " (named by the environment variable EENN_TEST_DATA).");
    }

    @Test
    void aMissingFileInTheFolderNamesTheFolderAndTheHelp() throws IOException {
        Path data = dir.resolve("d");
        fill(data);
        Files.delete(data.resolve("e.csv"));
        Path f = config(CONFIG);
        assertThatThrownBy(() -> ConfigLoader.load(f, env(Map.of("EENN_TEST_DATA", data.toString()))))
                .hasMessage(f + ": data.efficiency: file not found: " + data.resolve("e.csv") + " (data folder " + data
                        + ", named by the environment variable EENN_TEST_DATA). How to get the data: download scores.p"
                        + " and convert it (docs/data.md).");
    }

    @Test
    void anUnsetVariableWithoutDefaultAndBadKeysAreNamed() throws IOException {
        Path f = config(CONFIG.replace("  path: default-data\n", ""));
        assertThatThrownBy(() -> ConfigLoader.load(f, env(Map.of())))
                .hasMessageStartingWith(f + ": data_dir: the environment variable EENN_TEST_DATA is not set and"
                        + " data_dir.path gives no default; set EENN_TEST_DATA to the folder that holds the data."
                        + " How to get the data: download");
        Path g = config(CONFIG.replace("env: EENN_TEST_DATA", "env: $HOME/x"));
        assertThatThrownBy(() -> ConfigLoader.load(g, env(Map.of())))
                .hasMessage(g + ": data_dir.env: expected the name of an environment variable (letters, digits and"
                        + " '_'), got \"$HOME/x\"");
        Path h = config(CONFIG.replace("  env: EENN_TEST_DATA\n  path: default-data\n", ""));
        assertThatThrownBy(() -> ConfigLoader.load(h, env(Map.of())))
                .hasMessage(h + ": data_dir: expected env (an environment variable that names the data folder), path"
                        + " (the folder), or both");
        Path i = config(CONFIG.replace("help:", "hlep:"));
        assertThatThrownBy(() -> ConfigLoader.load(i, env(Map.of())))
                .hasMessageStartingWith(i + ": data_dir.hlep: unknown key; expected one of: env, help, path");
    }

    /**
     * The folder that holds the CALM files on this machine: $EENN_CALM_DATA (.ci/run sets it), else the copy beside
     * the repository that the project's machines have.
     */
    static Path calmData() {
        String v = System.getenv("EENN_CALM_DATA");
        return v != null && !v.isBlank() ? Path.of(v) : Path.of("..", "..", "shared", "data", "calm-cnndm");
    }

    @Test
    void theShippedCalmConfigReadsItsDataFolder() {
        Path calm = Path.of("..", "configs", "calm-cnndm.yaml");
        Path data = calmData();
        assumeTrue(Files.exists(data.resolve("rouge_l.npy")), "no CALM data in " + data + " (docs/data.md; EENN_CALM_DATA)");
        ExperimentConfig c = ConfigLoader.load(calm, env(Map.of("EENN_CALM_DATA", data.toString())));
        assertThat(((CachedScores) c.data).scores).isEqualTo(data.toAbsolutePath().normalize().resolve("rouge_l.npy"));
        assertThat(c.protocol.nCal.values()).containsExactly(100, 1000);
    }

    @Test
    void withoutItsDataTheShippedCalmConfigSaysWhereToGetIt() {
        Path calm = Path.of("..", "configs", "calm-cnndm.yaml");
        Path none = dir.resolve("no-calm-here");
        assertThatThrownBy(() -> ConfigLoader.load(calm, env(Map.of("EENN_CALM_DATA", none.toString()))))
                .hasMessageContaining("data_dir: data folder not found: " + none)
                .hasMessageContaining("calm/data/calm_cnndm.p from https://github.com/metodj/RC-EENN")
                .hasMessageContaining("docs/data.md");
        // unset: the git-ignored default folder data/calm-cnndm of the project
        ExperimentConfig c;
        try {
            c = ConfigLoader.load(calm, env(Map.of()));
        } catch (ConfigException e) {
            assertThat(e.getMessage()).contains(Path.of("..", "data", "calm-cnndm").toAbsolutePath().normalize().toString())
                    .contains("EENN_CALM_DATA is not set");
            return;
        }
        assertThat(c.dataDir.resolved).isEqualTo(Path.of("..", "data", "calm-cnndm").toAbsolutePath().normalize());
    }
}
