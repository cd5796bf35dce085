package org.eennrc.risk.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFolderTest {
    @TempDir Path tmp;

    private static ResultFolder.Contents files(String... namesAndTexts) {
        return dir -> {
            for (int i = 0; i < namesAndTexts.length; i += 2) {
                Files.writeString(dir.resolve(namesAndTexts[i]), namesAndTexts[i + 1]);
            }
        };
    }

    @Test
    void writesANewFolderWithAMarkerListingItsFilesAndNothingBeside() throws IOException {
        Path dir = tmp.resolve("a/b/run");
        List<String> written = ResultFolder.write(dir, false, "eenn test", files("x.csv", "1", "y.json", "{}"));
        assertThat(written).containsExactly("x.csv", "y.json");
        assertThat(Files.readString(dir.resolve("x.csv"))).isEqualTo("1");
        assertThat(Files.readAllLines(dir.resolve(ResultFolder.MARKER))).contains("x.csv", "y.json");
        assertThat(OutputTargets.list(dir.getParent())).containsExactly("run");
    }

    @Test
    void refusesAFolderHoldingTheUsersFilesEvenWithForce() throws IOException {
        Path dir = tmp.resolve("mine");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        for (boolean force : new boolean[] {false, true}) {
            assertThatThrownBy(() -> ResultFolder.write(dir, force, "t", files("x.csv", "1")))
                    .isInstanceOf(OutputTargets.RefusedException.class).hasMessageStartingWith(dir.toString())
                    .hasMessageContaining("did not write");
        }
        assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("keep me");
        assertThat(OutputTargets.list(tmp)).containsExactly("mine");
    }

    @Test
    void refusesARegularFileAndTheCurrentFolder() throws IOException {
        Path file = tmp.resolve("report");
        Files.writeString(file, "a file");
        assertThatThrownBy(() -> ResultFolder.write(file, true, "t", files("x", "1")))
                .isInstanceOf(OutputTargets.RefusedException.class).hasMessageContaining("is a file");
        assertThat(Files.readString(file)).isEqualTo("a file");
        assertThatThrownBy(() -> OutputTargets.checkFolder(Path.of("."), true))
                .isInstanceOf(OutputTargets.RefusedException.class).hasMessageContaining("current folder");
        assertThatThrownBy(() -> OutputTargets.checkFolder(Path.of("").toAbsolutePath().getParent(), true))
                .hasMessageContaining("parents");
    }

    @Test
    void anEarlierResultNeedsForceAndIsThenReplacedWhole() throws IOException {
        Path dir = tmp.resolve("run");
        ResultFolder.write(dir, false, "t", files("old.csv", "old", "same.json", "old"));
        assertThatThrownBy(() -> ResultFolder.write(dir, false, "t", files("new.csv", "new")))
                .isInstanceOf(OutputTargets.RefusedException.class).hasMessageContaining("--force");
        ResultFolder.write(dir, true, "t", files("new.csv", "new", "same.json", "new"));
        assertThat(OutputTargets.list(dir)).containsExactly(ResultFolder.MARKER, "new.csv", "same.json");
        assertThat(Files.readString(dir.resolve("same.json"))).isEqualTo("new");
        assertThat(OutputTargets.list(tmp)).containsExactly("run");
    }

    @Test
    void forceRefusesAnEarlierResultThatTheUserAddedFilesTo() throws IOException {
        Path dir = tmp.resolve("run");
        ResultFolder.write(dir, false, "t", files("r.csv", "1"));
        Files.writeString(dir.resolve("my-notes.md"), "notes");
        assertThatThrownBy(() -> ResultFolder.write(dir, true, "t", files("r.csv", "2")))
                .isInstanceOf(OutputTargets.RefusedException.class).hasMessageContaining("[my-notes.md]");
        assertThat(Files.readString(dir.resolve("r.csv"))).isEqualTo("1");
        assertThat(Files.readString(dir.resolve("my-notes.md"))).isEqualTo("notes");
    }

    @Test
    void neverTouchesSiblingsNamedLikeOldTemporaryFolders() throws IOException {
        Path dir = tmp.resolve("run");
        for (String sib : new String[] {"run.old", "run.tmp", ".run.tmp", ".run.old"}) {
            Files.createDirectories(tmp.resolve(sib));
            Files.writeString(tmp.resolve(sib).resolve("precious"), sib);
        }
        ResultFolder.write(dir, false, "t", files("a", "1"));
        ResultFolder.write(dir, true, "t", files("a", "2"));
        for (String sib : new String[] {"run.old", "run.tmp", ".run.tmp", ".run.old"}) {
            assertThat(Files.readString(tmp.resolve(sib).resolve("precious"))).isEqualTo(sib);
        }
        assertThat(OutputTargets.list(tmp)).containsExactlyInAnyOrder(".run.old", ".run.tmp", "run", "run.old", "run.tmp");
    }

    @Test
    void aFailureWhileWritingKeepsTheEarlierResultAndLeavesNoTemporaryFolder() throws IOException {
        Path dir = tmp.resolve("run");
        ResultFolder.write(dir, false, "t", files("a", "old"));
        assertThatThrownBy(() -> ResultFolder.write(dir, true, "t", d -> {
            Files.writeString(d.resolve("a"), "half");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readString(dir.resolve("a"))).isEqualTo("old");
        assertThat(OutputTargets.list(tmp)).containsExactly("run");
    }

    @Test
    void anEmptyFolderIsUsed() throws IOException {
        Path dir = tmp.resolve("empty");
        Files.createDirectories(dir);
        ResultFolder.write(dir, false, "t", files("a", "1"));
        assertThat(Files.readString(dir.resolve("a"))).isEqualTo("1");
    }

    @Test
    void fileTargetsNeedForceAndAreReplacedOnlyWhenTheyAreEarlierOutputs() throws IOException {
        Path f = tmp.resolve("p.json");
        OutputTargets.checkFile(f, false, p -> true, "policy");
        Files.writeString(f, "mine");
        assertThatThrownBy(() -> OutputTargets.checkFile(f, false, p -> true, "policy"))
                .hasMessageContaining("--force");
        OutputTargets.checkFile(f, true, p -> true, "policy");
        assertThatThrownBy(() -> OutputTargets.checkFile(f, true, p -> false, "exit policy"))
                .hasMessageContaining("not an earlier exit policy");
        assertThatThrownBy(() -> OutputTargets.checkFile(tmp, true, p -> true, "policy"))
                .hasMessageContaining("is a folder");
        assertThatThrownBy(() -> OutputTargets.checkFile(f.resolve("under/x.json"), false, p -> true, "policy"))
                .hasMessageStartingWith(f.resolve("under/x.json").toString()).hasMessageContaining("is a file");
    }

    @Test
    void unwritableParentIsReportedWithTheUsersPath() throws IOException {
        Path ro = tmp.resolve("ro");
        Files.createDirectories(ro);
        ro.toFile().setWritable(false);
        try {
            if (Files.isWritable(ro)) return; // running as root: permissions are not enforced
            assertThatThrownBy(() -> OutputTargets.checkFolder(ro.resolve("out"), false))
                    .hasMessageStartingWith(ro.resolve("out").toString()).hasMessageContaining("permission denied");
        } finally {
            ro.toFile().setWritable(true);
        }
    }
}
