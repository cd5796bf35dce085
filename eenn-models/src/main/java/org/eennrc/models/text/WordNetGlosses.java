package org.eennrc.models.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * WordNet noun glosses labelled with their supersense (lexicographer file, 26 classes {@code noun.Tops} ..
 * {@code noun.time}), read from {@code data.noun} of the Debian package {@code wordnet-base}.
 *
 * <p><b>Parsing.</b> Lines starting with two spaces are the licence header and are skipped. In a synset line,
 * field 1 is the byte offset (the synset id), field 2 the lexicographer file number (03..28, mapped to labels
 * 0..25 in the order of {@link #CLASS_NAMES}) and the text after {@code "| "} is the gloss.
 *
 * <p><b>Cleaning</b> ({@link #clean}): the gloss is split at {@code ';'}; segments that (trimmed) start with a
 * double quote are usage examples and are dropped (a gloss that would become empty keeps its first segment); the
 * kept segments are re-joined with {@code "; "}, lower-cased (Locale.ROOT), and runs of white space collapsed to
 * one space. Parentheses, digits and other punctuation are kept (the tokenizer splits punctuation off).
 *
 * <p><b>Split</b> ({@link #split}): deterministic by a 64-bit mix of the synset offset and a seed, bucket
 * {@code h mod 100}: 0..79 train, 80..89 validation, 90..99 test. A synset's split never depends on the file order
 * or on the other synsets.
 */
public final class WordNetGlosses {
    public static final Path DEBIAN_DIR = Path.of("/usr/share/wordnet");
    public static final String FILE = "data.noun";
    public static final long DEFAULT_SPLIT_SEED = 20240520L;
    public static final int FIRST_LEX_FILE = 3;
    /** The 26 noun supersenses, lexicographer files 03..28, label = file number - 3. */
    public static final List<String> CLASS_NAMES = List.of("noun.Tops", "noun.act", "noun.animal", "noun.artifact",
            "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling",
            "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person",
            "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
            "noun.shape", "noun.state", "noun.substance", "noun.time");
    public static final int NUM_CLASSES = CLASS_NAMES.size();

    /** One labelled gloss: synset offset, label 0..25, cleaned text. */
    public record Gloss(long offset, int label, String text) {
    }

    /** The three splits, each in file order. */
    public record Splits(List<Gloss> train, List<Gloss> validation, List<Gloss> test) {
    }

    private WordNetGlosses() {
    }

    /**
     * Reads {@code dir/data.noun}, or {@code /usr/share/wordnet/data.noun} when {@code dir} is null.
     *
     * @throws IllegalStateException naming the path and the package to install when the file is absent
     */
    public static List<Gloss> load(Path dir) {
        Path d = dir != null ? dir : DEBIAN_DIR;
        Path f = d.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw new IllegalStateException("WordNet noun data not found: " + f + " is missing. Install it with "
                    + "'apt-get install wordnet-base' (it provides " + DEBIAN_DIR.resolve(FILE)
                    + "), or pass a data directory that holds " + FILE + ".");
        }
        List<Gloss> out = new ArrayList<>(83_000);
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.startsWith("  ") || line.isBlank()) {
                    continue;
                }
                Gloss g = parseLine(line, f, lineNo);
                if (g != null) {
                    out.add(g);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + f, e);
        }
        return out;
    }

    static Gloss parseLine(String line, Path f, int lineNo) {
        int bar = line.indexOf("| ");
        String[] head = (bar >= 0 ? line.substring(0, bar) : line).trim().split(" +");
        if (head.length < 3) {
            throw new IllegalStateException(f + ":" + lineNo + ": not a synset line");
        }
        long offset = Long.parseLong(head[0]);
        int lex = Integer.parseInt(head[1]);
        int label = lex - FIRST_LEX_FILE;
        if (label < 0 || label >= NUM_CLASSES) {
            throw new IllegalStateException(f + ":" + lineNo + ": lexicographer file " + lex + " is not a noun file");
        }
        String gloss = bar >= 0 ? line.substring(bar + 2) : "";
        return new Gloss(offset, label, clean(gloss));
    }

    /** The documented gloss cleaning (see the class comment). */
    public static String clean(String gloss) {
        String[] parts = gloss.split(";");
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            String t = p.trim();
            if (t.isEmpty() || t.startsWith("\"")) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(t);
        }
        if (sb.length() == 0) {
            sb.append(parts.length > 0 ? parts[0].trim() : "");
        }
        return sb.toString().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
    }

    /** Bucket 0..99 of a synset offset under a seed (SplitMix64 finaliser). */
    public static int bucket(long offset, long seed) {
        long z = offset * 0x9E3779B97F4A7C15L + seed;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int) Long.remainderUnsigned(z, 100);
    }

    /** Train (buckets 0..79), validation (80..89), test (90..99). */
    public static Splits split(List<Gloss> all, long seed) {
        List<Gloss> tr = new ArrayList<>();
        List<Gloss> va = new ArrayList<>();
        List<Gloss> te = new ArrayList<>();
        for (Gloss g : all) {
            int b = bucket(g.offset(), seed);
            (b < 80 ? tr : b < 90 ? va : te).add(g);
        }
        return new Splits(tr, va, te);
    }

    public static Splits loadSplits(Path dir, long seed) {
        return split(load(dir), seed);
    }

    public static List<String> texts(List<Gloss> gs) {
        List<String> t = new ArrayList<>(gs.size());
        for (Gloss g : gs) {
            t.add(g.text());
        }
        return t;
    }

    public static int[] labels(List<Gloss> gs) {
        int[] y = new int[gs.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = gs.get(i).label();
        }
        return y;
    }
}
