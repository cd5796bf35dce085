package org.eennrc.risk.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes a result folder (a protocol run, a report) so that it is whole or absent, and replaces only what eenn
 * wrote.
 *
 * <p>How: the files are written into a fresh hidden folder beside the target ({@code .NAME.tmp-RANDOM}, a name
 * no one else uses), a marker file {@value #MARKER} listing every file is added, and the folder is renamed into
 * place. An earlier result is first renamed aside ({@code .NAME.old-RANDOM}) and deleted after the swap, file by
 * file from its marker's list. A crash leaves the old folder or the new one under the target's name, never a
 * mix; at worst a hidden {@code .NAME.tmp-*} or {@code .NAME.old-*} folder is left beside it. Nothing is ever
 * deleted that the marker does not list: {@link OutputTargets#checkFolder} refuses a folder with other files, and
 * is re-run just before the swap because the work may take minutes.
 */
public final class ResultFolder {
    /** The marker file of a result folder: a comment line, then one file name per line. */
    public static final String MARKER = ".eenn-report";

    private ResultFolder() {}

    /** Writes the files of a result folder into {@code tmp} (a new empty folder). */
    @FunctionalInterface
    public interface Contents {
        void writeTo(Path tmp) throws IOException;
    }

    /**
     * Writes {@code contents} as the folder {@code dir}, atomically.
     *
     * @param force replace an earlier result folder (see {@link OutputTargets#checkFolder})
     * @param tool the command that writes it, recorded in the marker (e.g. "eenn protocol")
     * @return the names of the files written (sorted; the marker excluded)
     * @throws IOException naming {@code dir} if it cannot be used or written
     */
    public static List<String> write(Path dir, boolean force, String tool, Contents contents) throws IOException {
        OutputTargets.checkFolder(dir, force);
        Path abs = dir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        String name = abs.getFileName().toString();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + name + ".tmp-");
        boolean moved = false;
        try {
            contents.writeTo(tmp);
            List<String> files = OutputTargets.list(tmp);
            files.remove(MARKER);
            for (String f : files) {
                if (Files.isDirectory(tmp.resolve(f))) {
                    throw new IllegalStateException("a result folder holds files only, got the folder " + f);
                }
            }
            StringBuilder m = new StringBuilder("# eenn result folder written by ").append(tool)
                    .append("; --force may replace it while it holds only these files:\n");
            for (String f : files) m.append(f).append('\n');
            Files.writeString(tmp.resolve(MARKER), m.toString(), StandardCharsets.UTF_8);
            openUp(tmp);
            OutputTargets.checkFolder(dir, force); // the work took a while: check again just before the swap
            swap(tmp, abs, parent, name);
            moved = true;
            return files;
        } finally {
            if (!moved) {
                try {
                    deleteOurs(tmp);
                } catch (IOException e) {
                    // keep the original error; a hidden .NAME.tmp-* folder is left behind
                }
            }
        }
    }

    /** Entries of {@code dir} (a folder with a marker) that the marker does not list. */
    static List<String> unknownEntries(Path dir, List<String> names) throws IOException {
        Set<String> known = listed(dir);
        List<String> extra = new ArrayList<>();
        for (String n : names) {
            if (!n.equals(MARKER) && (!known.contains(n) || Files.isDirectory(dir.resolve(n)))) extra.add(n);
        }
        return extra;
    }

    private static Set<String> listed(Path dir) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String line : Files.readAllLines(dir.resolve(MARKER), StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#") && !t.contains("/") && !t.equals("..") && !t.equals(".")) out.add(t);
        }
        return out;
    }

    private static void swap(Path tmp, Path target, Path parent, String name) throws IOException {
        if (!Files.exists(target)) {
            move(tmp, target);
            return;
        }
        if (OutputTargets.list(target).isEmpty()) {
            Files.delete(target); // an empty folder: nothing to keep
            move(tmp, target);
            return;
        }
        // An earlier result (checked: it holds only the files its marker lists). Rename it aside under a fresh
        // name, move the new folder in, then delete the old files one by one.
        Path old = Files.createTempDirectory(parent, "." + name + ".old-");
        Files.delete(old);
        move(target, old);
        try {
            move(tmp, target);
        } catch (IOException e) {
            move(old, target);
            throw e;
        }
        for (String f : listed(old)) Files.deleteIfExists(old.resolve(f));
        Files.deleteIfExists(old.resolve(MARKER));
        Files.delete(old);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes a temporary folder this class created (flat: files only). */
    private static void deleteOurs(Path tmp) throws IOException {
        if (!Files.isDirectory(tmp)) return;
        for (String f : OutputTargets.list(tmp)) Files.deleteIfExists(tmp.resolve(f));
        Files.deleteIfExists(tmp);
    }

    /** Temporary folders are created owner-only; a result folder is meant to be shared (0755). */
    private static void openUp(Path dir) throws IOException {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }
}
