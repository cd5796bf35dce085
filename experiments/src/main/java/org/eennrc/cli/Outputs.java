package org.eennrc.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.eennrc.risk.io.OutputTargets;
import org.eennrc.risk.io.ResultFolder;

/**
 * Where the commands write, checked before the work and written safely, with messages that name the option and
 * the user's path. One rule for every output option ({@code protocol --out}, {@code reproduce --out},
 * {@code export --out}, {@code calibrate --save-policy}, {@code train --out}): eenn never deletes or replaces what
 * it did not write, and replaces its own earlier output only with {@code --force}. See {@link OutputTargets} and
 * {@link ResultFolder}; docs/user-guide.md ("What eenn refuses, and why") states it for users.
 */
public final class Outputs {
    private Outputs() {}

    /** Checks a result folder before the work (new, empty, or an earlier eenn result with --force). */
    public static void checkFolder(Path dir, boolean force, String option) {
        try {
            OutputTargets.checkFolder(dir, force);
        } catch (IOException e) {
            throw new CliException(option + " " + Inputs.messageOf(e), e);
        }
    }

    /** Writes a result folder whole (see {@link ResultFolder#write}); a refusal names the option. */
    public static List<String> writeFolder(Path dir, boolean force, String option, String tool,
                                           ResultFolder.Contents contents) throws IOException {
        try {
            return ResultFolder.write(dir, force, tool, contents);
        } catch (OutputTargets.RefusedException e) {
            throw new CliException(option + " " + e.getMessage(), e);
        }
    }

    /** Checks a result file before the work (new, or an earlier output of this kind with --force). */
    public static void checkFile(Path file, boolean force, String option, Predicate<Path> earlier, String kind) {
        try {
            OutputTargets.checkFile(file, force, earlier, kind);
        } catch (IOException e) {
            throw new CliException(option + " " + Inputs.messageOf(e), e);
        }
    }

    /**
     * A training output folder: new, empty, or (with {@code resume} or {@code force}) a folder the trainer wrote
     * (it holds {@code model.json}, an older version's {@code model.properties}, or {@code checkpoints/}). The trainer overwrites only its own file names,
     * but those could be the user's in any other folder.
     */
    public static void checkTrainingFolder(Path dir, boolean resume, boolean force, String option) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new CliException(option + " " + dir + ": exists and is a file, not a folder");
            }
            if (Files.isDirectory(dir)) {
                boolean empty;
                try (var s = Files.list(dir)) {
                    empty = s.findAny().isEmpty();
                }
                boolean earlier = Files.isRegularFile(dir.resolve(org.eennrc.models.ModelIO.CONFIG_FILE))
                        || Files.isRegularFile(dir.resolve("model.properties")) // written by older versions
                        || Files.isDirectory(dir.resolve("checkpoints"));
                if (!empty && !earlier) {
                    throw new CliException(option + " " + dir + ": is a folder that holds files eenn train did not "
                            + "write; name a new or empty folder");
                }
                if (!empty && !resume && !force) {
                    throw new CliException(option + " " + dir + ": holds an earlier training run; pass --resume to "
                            + "continue it or --force to train again over it");
                }
            }
            OutputTargets.checkFile(dir.resolve("model.zip"), true, p -> true, "model");
        } catch (IOException e) {
            throw new CliException(option + " " + Inputs.messageOf(e), e);
        }
    }

    /** An npz (zip) archive: the only kind of file {@code export --out --force} replaces. */
    public static boolean isNpz(Path file) {
        return startsWith(file, new byte[] {'P', 'K', 3, 4}) || startsWith(file, new byte[] {'P', 'K', 5, 6});
    }

    /** An exit policy saved by eenn: the only kind of file {@code --save-policy --force} replaces. */
    public static boolean isPolicy(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            return head.stripLeading().startsWith("{") && head.contains("\"eenn-rc exit policy\"");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean startsWith(Path file, byte[] magic) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(magic.length);
            return java.util.Arrays.equals(b, magic);
        } catch (IOException e) {
            return false;
        }
    }
}
