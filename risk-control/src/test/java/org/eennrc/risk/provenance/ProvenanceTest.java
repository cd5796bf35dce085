package org.eennrc.risk.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed provenance record, its JSON, and the build information from the Maven-written resource. */
class ProvenanceTest {
    @TempDir
    Path dir;

    @Test
    void versionAndCommitComeFromTheBuildResource() throws IOException {
        Properties raw = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(BuildInfo.RESOURCE)) {
            assertThat(in).as("the build writes " + BuildInfo.RESOURCE).isNotNull();
            raw.load(in);
        }
        // Maven filled in the version (no ${...} left), and BuildInfo reports exactly that
        assertThat(raw.getProperty("version")).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(BuildInfo.current().version()).isEqualTo(raw.getProperty("version"));
        String commit = BuildInfo.current().commit();
        assertThat(commit.equals("unknown") || commit.matches("[0-9a-f]{40}")).as(commit).isTrue();
    }

    @Test
    void unfilledPropertiesReadAsUnknown() {
        Properties p = new Properties();
        p.setProperty("version", "${project.version}");
        p.setProperty("commit", "");
        p.setProperty("dirty", "${git.dirty}");
        assertThat(BuildInfo.from(p)).isEqualTo(new BuildInfo("unknown", "unknown", null));
        p.setProperty("commit", "0123456789abcdef0123456789abcdef01234567");
        p.setProperty("dirty", "false");
        assertThat(BuildInfo.from(p).dirty()).isFalse();
    }

    @Test
    void recordsInputsPluginsSeedAndTimesAsJson() throws IOException {
        Path input = dir.resolve("losses.csv");
        Files.writeString(input, "0,1\n");
        Provenance.Builder b = Provenance.start("protocol", List.of("--losses", "losses.csv"))
                .input("losses", input)
                .plugins(List.of(FileDigest.of("plugin", input)))
                .seed(42)
                .configHash(FileDigest.sha256("name: x\n"))
                .detail("settings", Map.of("n_cal", 100));
        Provenance p = b.finish();
        assertThat(p.inputs().get(0).sha256()).isEqualTo(FileDigest.sha256(input));
        assertThat(p.finishedAt()).isAfterOrEqualTo(p.startedAt());
        assertThat(p.processors()).isPositive();
        Path out = dir.resolve("sub/provenance.json");
        p.write(out);
        String json = Files.readString(out);
        assertThat(json).contains("\"tool\": \"eenn\"").contains("\"command\": \"protocol\"")
                .contains("\"seed\": 42").contains("\"sha256\": \"" + FileDigest.sha256(input) + "\"")
                .contains("\"version\": \"" + BuildInfo.current().version() + "\"")
                .contains("\"n_cal\": 100").contains("\"plugins\": [");
        assertThatThrownBy(() -> b.detail("seed", 1)).hasMessageContaining("typed field");
    }

    @Test
    void anUnreadableInputIsRecordedNotFatal() {
        FileDigest d = FileDigest.of("outputs", dir.resolve("gone.npz"));
        assertThat(d.sha256()).isNull();
        assertThat(d.error()).contains("gone.npz");
        assertThat(FileDigest.of("classes", dir).sha256()).isNull();
    }
}
