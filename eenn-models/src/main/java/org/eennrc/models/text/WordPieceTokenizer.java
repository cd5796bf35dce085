package org.eennrc.models.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A small WordPiece tokenizer whose vocabulary is learned with byte-pair-encoding merges.
 *
 * <p><b>Pre-tokenisation</b> ({@link #preTokenize}): lower-case (Locale.ROOT), split at white space, and every
 * character that is not a letter or digit becomes a word of its own ("(1899-1982)" gives "(", "1899", "-", "1982",
 * ")").
 *
 * <p><b>Training</b> ({@link #train}): words of the training texts with their counts; each word starts as its
 * characters, the first plain and the others with the continuation prefix {@code ##} (WordPiece notation). The
 * alphabet is every character seen at least {@code minCharCount} times. Then the most frequent adjacent pair of
 * symbols (ties: the pair of smallest symbol ids) is merged, repeatedly, until the vocabulary has
 * {@code vocabSize} entries or no pair occurs twice. Pair counts are updated incrementally (only the words that
 * contain the merged pair are touched).
 *
 * <p><b>Encoding</b> ({@link #encode}): WordPiece's greedy longest-match-first over the vocabulary, word by word; a
 * word that cannot be covered (an unknown character) becomes one {@code [UNK]}. Sequences are {@code [CLS]} +
 * pieces, truncated to {@code maxLength}, and padded with {@code [PAD]} (id 0) to exactly {@code maxLength}.
 * Ids: {@code [PAD]}=0, {@code [UNK]}=1, {@code [CLS]}=2, then the alphabet and the merges in the order learned.
 *
 * <p><b>Round trip</b>: for a text whose characters are all in the alphabet and that fits in {@code maxLength},
 * {@code decode(encode(t))} equals {@code normalize(t)}, the pre-tokenised words joined by single spaces.
 */
public final class WordPieceTokenizer {
    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;
    public static final int CLS_ID = 2;
    public static final String CONT = "##";
    private static final int MAX_WORD_CHARS = 100;

    private final List<String> vocab;
    private final Map<String, Integer> ids;
    private final int maxLength;
    private final Map<String, int[]> cache = new HashMap<>();

    public WordPieceTokenizer(List<String> vocab, int maxLength) {
        if (vocab.size() < 3 || !vocab.get(0).equals(PAD) || !vocab.get(1).equals(UNK) || !vocab.get(2).equals(CLS)) {
            throw new IllegalArgumentException("vocabulary must start with [PAD], [UNK], [CLS]");
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        }
        this.vocab = List.copyOf(vocab);
        this.ids = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            if (ids.put(vocab.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate vocabulary entry " + vocab.get(i));
            }
        }
        this.maxLength = maxLength;
    }

    public int vocabSize() {
        return vocab.size();
    }

    public int maxLength() {
        return maxLength;
    }

    public List<String> vocabulary() {
        return vocab;
    }

    public String token(int id) {
        return vocab.get(id);
    }

    public int id(String token) {
        return ids.getOrDefault(token, UNK_ID);
    }

    // ------------------------------------------------------------------ pre-tokenisation

    public static List<String> preTokenize(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp)) {
                flush(cur, words);
            } else if (Character.isLetterOrDigit(cp)) {
                cur.appendCodePoint(cp);
            } else {
                flush(cur, words);
                words.add(new String(Character.toChars(cp)));
            }
        }
        flush(cur, words);
        return words;
    }

    private static void flush(StringBuilder cur, List<String> words) {
        if (cur.length() > 0) {
            words.add(cur.toString());
            cur.setLength(0);
        }
    }

    /** The pre-tokenised words joined by single spaces: what {@link #decode} gives back. */
    public static String normalize(String text) {
        return String.join(" ", preTokenize(text));
    }

    // ------------------------------------------------------------------ training

    /**
     * Learns a vocabulary of at most {@code vocabSize} entries (3 specials + alphabet + merges) from texts.
     */
    public static WordPieceTokenizer train(List<String> texts, int vocabSize, int maxLength, int minCharCount) {
        Map<String, Integer> wordCounts = new TreeMap<>();
        for (String t : texts) {
            for (String w : preTokenize(t)) {
                if (w.codePointCount(0, w.length()) <= MAX_WORD_CHARS) {
                    wordCounts.merge(w, 1, Integer::sum);
                }
            }
        }
        // alphabet: characters (as first and as continuation symbols)
        Map<String, Integer> charCounts = new TreeMap<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            String w = e.getKey();
            int pos = 0;
            for (int i = 0; i < w.length(); ) {
                int cp = w.codePointAt(i);
                String c = new String(Character.toChars(cp));
                charCounts.merge(pos == 0 ? c : CONT + c, e.getValue(), Integer::sum);
                i += Character.charCount(cp);
                pos++;
            }
        }
        List<String> vocab = new ArrayList<>(List.of(PAD, UNK, CLS));
        Map<String, Integer> symId = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : charCounts.entrySet()) {
            if (e.getValue() >= minCharCount) {
                symId.put(e.getKey(), symId.size());
                vocab.add(e.getKey());
            }
        }
        List<String> symbols = new ArrayList<>(symId.keySet());
        // words as symbol-id sequences; words with a rare character are left out of training
        List<int[]> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            String w = e.getKey();
            int n = w.codePointCount(0, w.length());
            int[] seq = new int[n];
            boolean ok = true;
            int pos = 0;
            for (int i = 0; i < w.length(); ) {
                int cp = w.codePointAt(i);
                String c = new String(Character.toChars(cp));
                Integer id = symId.get(pos == 0 ? c : CONT + c);
                if (id == null) {
                    ok = false;
                    break;
                }
                seq[pos++] = id;
                i += Character.charCount(cp);
            }
            if (ok && n > 1) {
                words.add(seq);
                counts.add(e.getValue());
            }
        }
        // pair counts and, per pair, the words that contain it
        Map<Long, Long> pairCount = new HashMap<>();
        Map<Long, Set<Integer>> pairWords = new HashMap<>();
        for (int wi = 0; wi < words.size(); wi++) {
            addPairs(words.get(wi), wi, counts.get(wi), pairCount, pairWords);
        }
        while (vocab.size() < vocabSize) {
            long best = -1;
            long bestCount = 1; // a pair must occur at least twice
            for (Map.Entry<Long, Long> e : pairCount.entrySet()) {
                long c = e.getValue();
                long k = e.getKey();
                if (c > bestCount || (c == bestCount && best >= 0 && k < best)) {
                    best = k;
                    bestCount = c;
                }
            }
            if (best < 0) {
                break;
            }
            String name = mergedName(symbols, best);
            int newId;
            if (symId.containsKey(name)) {
                newId = symId.get(name);
            } else {
                newId = symbols.size();
                symbols.add(name);
                symId.put(name, newId);
                vocab.add(name);
            }
            int a = (int) (best >>> 32);
            int b = (int) best;
            Set<Integer> affected = pairWords.remove(best);
            pairCount.remove(best);
            if (affected == null) {
                continue;
            }
            for (int wi : affected.toArray(new Integer[0])) {
                int[] seq = words.get(wi);
                int cnt = counts.get(wi);
                removePairs(seq, wi, cnt, pairCount, pairWords, best);
                int[] merged = new int[seq.length];
                int m = 0;
                for (int i = 0; i < seq.length; i++) {
                    if (i + 1 < seq.length && seq[i] == a && seq[i + 1] == b) {
                        merged[m++] = newId;
                        i++;
                    } else {
                        merged[m++] = seq[i];
                    }
                }
                int[] ns = Arrays.copyOf(merged, m);
                words.set(wi, ns);
                addPairs(ns, wi, cnt, pairCount, pairWords);
            }
        }
        return new WordPieceTokenizer(vocab, maxLength);
    }

    private static String mergedName(List<String> symbols, long pair) {
        String a = symbols.get((int) (pair >>> 32));
        String b = symbols.get((int) pair);
        return a + b.substring(CONT.length());
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private static void addPairs(int[] seq, int wi, int cnt, Map<Long, Long> pairCount, Map<Long, Set<Integer>> pairWords) {
        for (int i = 0; i + 1 < seq.length; i++) {
            long k = key(seq[i], seq[i + 1]);
            pairCount.merge(k, (long) cnt, Long::sum);
            pairWords.computeIfAbsent(k, x -> new HashSet<>()).add(wi);
        }
    }

    private static void removePairs(int[] seq, int wi, int cnt, Map<Long, Long> pairCount,
                                    Map<Long, Set<Integer>> pairWords, long skip) {
        for (int i = 0; i + 1 < seq.length; i++) {
            long k = key(seq[i], seq[i + 1]);
            if (k == skip) {
                continue;
            }
            Long c = pairCount.get(k);
            if (c != null) {
                long nc = c - cnt;
                if (nc <= 0) {
                    pairCount.remove(k);
                } else {
                    pairCount.put(k, nc);
                }
            }
            Set<Integer> s = pairWords.get(k);
            if (s != null) {
                s.remove(wi);
                if (s.isEmpty()) {
                    pairWords.remove(k);
                }
            }
        }
    }

    // ------------------------------------------------------------------ encoding

    /** Word pieces of one pre-tokenised word (greedy longest match), or {@code [UNK]}. */
    int[] encodeWord(String w) {
        int[] c = cache.get(w);
        if (c != null) {
            return c;
        }
        int[] out;
        if (w.codePointCount(0, w.length()) > MAX_WORD_CHARS) {
            out = new int[] {UNK_ID};
        } else {
            List<Integer> pieces = new ArrayList<>();
            int start = 0;
            boolean bad = false;
            while (start < w.length()) {
                int end = w.length();
                Integer found = null;
                while (end > start) {
                    String sub = (start == 0 ? "" : CONT) + w.substring(start, end);
                    Integer id = ids.get(sub);
                    if (id != null && id > CLS_ID) {
                        found = id;
                        break;
                    }
                    end--;
                    if (end > start && Character.isLowSurrogate(w.charAt(end))) {
                        end--;
                    }
                }
                if (found == null) {
                    bad = true;
                    break;
                }
                pieces.add(found);
                start = end;
            }
            out = bad ? new int[] {UNK_ID} : pieces.stream().mapToInt(Integer::intValue).toArray();
        }
        synchronized (cache) {
            if (cache.size() < 500_000) {
                cache.put(w, out);
            }
        }
        return out;
    }

    /** Pieces of a text without specials, padding or truncation. */
    public int[] pieces(String text) {
        List<Integer> out = new ArrayList<>();
        for (String w : preTokenize(text)) {
            for (int id : encodeWord(w)) {
                out.add(id);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code [CLS]} + pieces, truncated to {@link #maxLength()}, padded with {@code [PAD]}. */
    public int[] encode(String text) {
        int[] p = pieces(text);
        int[] out = new int[maxLength];
        out[0] = CLS_ID;
        int n = Math.min(p.length, maxLength - 1);
        System.arraycopy(p, 0, out, 1, n);
        return out;
    }

    /** Number of non-padding positions of an encoded sequence. */
    public static int length(int[] encoded) {
        int n = 0;
        for (int id : encoded) {
            if (id != PAD_ID) {
                n++;
            }
        }
        return n;
    }

    /** Inverse of {@link #encode} up to normalisation: specials and padding are dropped, pieces re-joined. */
    public String decode(int[] encoded) {
        StringBuilder sb = new StringBuilder();
        for (int id : encoded) {
            if (id == PAD_ID || id == CLS_ID) {
                continue;
            }
            String t = vocab.get(id);
            if (t.startsWith(CONT) && sb.length() > 0) {
                sb.append(t, CONT.length(), t.length());
            } else {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(t);
            }
        }
        return sb.toString();
    }

    /** Encodes many texts into an [n][maxLength] matrix. */
    public int[][] encodeAll(List<String> texts) {
        int[][] out = new int[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = encode(texts.get(i));
        }
        return out;
    }

    // ------------------------------------------------------------------ persistence

    /** Writes {@code maxLength} on the first line, then one vocabulary entry per line. */
    public void save(Path file) {
        StringBuilder sb = new StringBuilder();
        sb.append("#maxLength=").append(maxLength).append('\n');
        for (String t : vocab) {
            sb.append(t).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        try {
            org.eennrc.risk.io.AtomicFiles.write(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    public static WordPieceTokenizer load(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).startsWith("#maxLength=")) {
                throw new IllegalStateException(file + " is not a tokenizer vocabulary (no #maxLength= line)");
            }
            int ml = Integer.parseInt(lines.get(0).substring("#maxLength=".length()).trim());
            return new WordPieceTokenizer(lines.subList(1, lines.size()), ml);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }
}
