package org.eennrc.risk.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Checks on where a command will write, done before the work starts so that a long run never ends in "cannot
 * write" and never replaces something the program did not create. The rule, for every output:
 *
 * <ul>
 *   <li>a result folder ({@link ResultFolder}) may be new, an existing empty folder, or, with {@code force}, an
 *       earlier result folder: one whose {@link ResultFolder#MARKER} lists every file in it. A folder with other
 *       files, a regular file, the current folder or one of its parents is refused;</li>
 *   <li>a result file may be new or, with {@code force}, an earlier output of the same kind (the caller says how
 *       to recognise one). A folder in its place is refused;</li>
 *   <li>the nearest existing parent is a folder and writable (missing folders are created when writing).</li>
 * </ul>
 *
 * Messages start with the path as the user gave it, never an internal temporary name.
 */
public final class OutputTargets {
    private OutputTargets() {}

    /** Refusal of an output location; the message starts with the user's path. */
    public static final class RefusedException extends IOException {
        public RefusedException(String message) {
            super(message);
        }
    }

    /**
     * Checks a result folder before the work.
     *
     * @param force whether an earlier result folder may be replaced
     * @throws RefusedException naming {@code dir} and why it cannot be used
     */
    public static void checkFolder(Path dir, boolean force) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath().normalize();
        if (cwd.startsWith(abs)) {
            throw new RefusedException(dir + ": is the current folder" + (abs.equals(cwd) ? "" : " or one of its parents")
                    + "; a result folder is written whole and moved into place, so name a new folder inside it");
        }
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new RefusedException(dir + ": exists and is a file, not a folder; eenn does not replace it");
        }
        if (Files.isDirectory(abs)) {
            List<String> names = list(abs);
            if (!names.isEmpty()) {
                if (!names.contains(ResultFolder.MARKER)) {
                    throw new RefusedException(dir + ": is a folder that holds files eenn did not write (no "
                            + ResultFolder.MARKER + " marker); name a new or empty folder");
                }
                if (!force) {
                    throw new RefusedException(dir + ": holds an earlier eenn result; pass --force to replace it");
                }
                List<String> extra = ResultFolder.unknownEntries(abs, names);
                if (!extra.isEmpty()) {
                    throw new RefusedException(dir + ": holds an earlier eenn result plus files eenn did not write "
                            + extra + "; --force replaces only what eenn wrote: move them away first");
                }
            }
        }
        checkParentWritable(dir, abs);
    }

    /**
     * Checks a result file before the work.
     *
     * @param force whether an earlier output may be replaced
     * @param earlierOutput recognises an earlier output of this kind (e.g. an eenn policy, an npz archive)
     * @param kind what such a file is, for the message (e.g. "exit policy")
     * @throws RefusedException naming {@code file} and why it cannot be written
     */
    public static void checkFile(Path file, boolean force, Predicate<Path> earlierOutput, String kind)
            throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new RefusedException(file + ": is a folder; name a file");
        }
        if (Files.exists(abs)) {
            if (!earlierOutput.test(abs)) {
                throw new RefusedException(file + ": exists and is not an earlier " + kind
                        + "; eenn does not replace it");
            }
            if (!force) throw new RefusedException(file + ": exists; pass --force to replace it");
            if (!Files.isWritable(abs)) throw new RefusedException(file + ": permission denied (read-only file)");
        }
        checkParentWritable(file, abs);
    }

    /** The nearest existing ancestor must be a writable folder (folders below it are created when writing). */
    private static void checkParentWritable(Path user, Path abs) throws IOException {
        Path p = abs.getParent();
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null) throw new RefusedException(user + ": no existing parent folder");
        if (!Files.isDirectory(p)) {
            throw new RefusedException(user + ": cannot be created because " + p + " is a file, not a folder");
        }
        if (!Files.isWritable(p)) {
            throw new RefusedException(user + ": cannot be written: permission denied in " + p);
        }
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            s.forEach(p -> out.add(p.getFileName().toString()));
            return new ArrayList<>(new TreeSet<>(out));
        }
    }
}
