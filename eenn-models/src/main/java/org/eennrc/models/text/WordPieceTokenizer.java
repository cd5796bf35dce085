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
 *
 * <p><b>BERT mode</b> ({@link #bert}, {@link #fromTokenizerJson}): a pretrained BERT vocabulary (uncased) used the
 * way BERT's reference tokenizer uses it, so that a pretrained encoder sees the ids it was trained on:
 * <ul>
 * <li>text clean-up: NUL, U+FFFD and control characters dropped, every white-space character made a space, CJK
 * ideographs surrounded by spaces;</li>
 * <li>accents stripped (NFD, then non-spacing marks removed), then lower-cased;</li>
 * <li>split at white space, and every punctuation character (ASCII punctuation, or Unicode categories P*) is a word
 * of its own (other symbols such as {@code ©} stay inside their word, unlike the project mode);</li>
 * <li>the same greedy longest-match WordPiece (words over 100 characters, or not coverable, become {@code [UNK]});</li>
 * <li>{@code [CLS]} + pieces (truncated to {@code maxLength − 2}) + {@code [SEP]}, padded with {@code [PAD]} (id 0
 * in BERT's vocabulary too). The special ids are looked up by name.</li>
 * </ul>
 * Literal special-token strings in a text (BERT's "added tokens", such as a typed {@code [SEP]}) are not recognised
 * as specials: they are split as punctuation and letters.
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

    /** BERT's sequence separator (BERT mode only). */
    public static final String SEP = "[SEP]";

    private final List<String> vocab;
    private final Map<String, Integer> ids;
    private final int maxLength;
    private final Map<String, int[]> cache = new HashMap<>();
    private final boolean bert;
    private final int unkId;
    private final int clsId;
    private final int sepId;

    public WordPieceTokenizer(List<String> vocab, int maxLength) {
        this(vocab, maxLength, false);
    }

    private WordPieceTokenizer(List<String> vocab, int maxLength, boolean bert) {
        if (!bert && (vocab.size() < 3 || !vocab.get(0).equals(PAD) || !vocab.get(1).equals(UNK)
                || !vocab.get(2).equals(CLS))) {
            throw new IllegalArgumentException("vocabulary must start with [PAD], [UNK], [CLS]");
        }
        if (maxLength < (bert ? 3 : 2)) {
            throw new IllegalArgumentException("maxLength must be at least " + (bert ? 3 : 2) + ", got " + maxLength);
        }
        this.vocab = List.copyOf(vocab);
        this.ids = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            if (ids.put(vocab.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate vocabulary entry " + vocab.get(i));
            }
        }
        this.maxLength = maxLength;
        this.bert = bert;
        if (bert) {
            for (String sp : List.of(PAD, UNK, CLS, SEP)) {
                if (!ids.containsKey(sp)) {
                    throw new IllegalArgumentException("a BERT vocabulary needs " + sp + "; it is missing");
                }
            }
            if (ids.get(PAD) != PAD_ID) {
                throw new IllegalArgumentException("[PAD] must have id 0 (padding masks rely on it), has " + ids.get(PAD));
            }
        }
        this.unkId = ids.get(UNK);
        this.clsId = ids.get(CLS);
        this.sepId = bert ? ids.get(SEP) : -1;
    }

    /**
     * A tokenizer in BERT mode (see the class comment) over a pretrained vocabulary, vocabulary index = id.
     *
     * @param maxLength sequence length with {@code [CLS]} and {@code [SEP]}
     */
    public static WordPieceTokenizer bert(List<String> vocab, int maxLength) {
        return new WordPieceTokenizer(vocab, maxLength, true);
    }

    /**
     * A BERT-mode tokenizer from a HuggingFace {@code tokenizer.json} whose model is WordPiece with the {@code ##}
     * prefix and whose normaliser is an uncased {@code BertNormalizer} (what this mode implements); anything else is
     * refused with a message saying what was found.
     */
    public static WordPieceTokenizer fromTokenizerJson(java.io.InputStream json, int maxLength) {
        try {
            com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            com.fasterxml.jackson.databind.JsonNode model = root.path("model");
            if (!"WordPiece".equals(model.path("type").asText())) {
                throw new IllegalArgumentException("tokenizer.json: model type is '" + model.path("type").asText()
                        + "', only WordPiece is supported");
            }
            if (!CONT.equals(model.path("continuing_subword_prefix").asText(CONT))
                    || model.path("max_input_chars_per_word").asInt(MAX_WORD_CHARS) != MAX_WORD_CHARS) {
                throw new IllegalArgumentException("tokenizer.json: WordPiece settings differ from BERT's (prefix ##, "
                        + "100 characters per word)");
            }
            com.fasterxml.jackson.databind.JsonNode norm = root.path("normalizer");
            if (!"BertNormalizer".equals(norm.path("type").asText()) || !norm.path("lowercase").asBoolean(false)
                    || (!norm.path("strip_accents").isNull() && !norm.path("strip_accents").asBoolean(true))) {
                throw new IllegalArgumentException("tokenizer.json: normalizer " + norm
                        + " is not an uncased BertNormalizer with accent stripping");
            }
            com.fasterxml.jackson.databind.JsonNode v = model.path("vocab");
            String[] byId = new String[v.size()];
            for (java.util.Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = v.fields();
                 it.hasNext(); ) {
                Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
                int id = e.getValue().asInt(-1);
                if (id < 0 || id >= byId.length || byId[id] != null) {
                    throw new IllegalArgumentException("tokenizer.json: vocabulary ids are not 0.." + (byId.length - 1)
                            + " each once (entry " + e.getKey() + " = " + e.getValue() + ")");
                }
                byId[id] = e.getKey();
            }
            return bert(Arrays.asList(byId), maxLength);
        } catch (IOException e) {
            throw new UncheckedIOException("reading tokenizer.json", e);
        }
    }

    /** Whether this tokenizer works in BERT mode (pretrained vocabulary, {@code [SEP]}, BERT's pre-tokenisation). */
    public boolean isBert() {
        return bert;
    }

    /** Id of {@code [CLS]} (2 in the project mode, 101 in BERT's uncased vocabulary). */
    public int clsId() {
        return clsId;
    }

    /** Id of {@code [SEP]}, or −1 in the project mode (which has none). */
    public int sepId() {
        return sepId;
    }

    /** Id of {@code [UNK]}. */
    public int unkId() {
        return unkId;
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
        return ids.getOrDefault(token, unkId);
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

    /** The words of a text as this tokenizer splits them (project mode: {@link #preTokenize}; BERT mode: BERT's). */
    public List<String> words(String text) {
        return bert ? bertPreTokenize(text) : preTokenize(text);
    }

    /**
     * BERT's basic tokenisation (uncased): clean-up, CJK spacing, accent stripping, lower case, split at white space
     * and around punctuation (see the class comment).
     */
    public static List<String> bertPreTokenize(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0 || cp == 0xFFFD || isBertControl(cp)) {
                continue;
            }
            if (isBertWhitespace(cp)) {
                clean.append(' ');
            } else if (isCjk(cp)) {
                clean.append(' ').appendCodePoint(cp).append(' ');
            } else {
                clean.appendCodePoint(cp);
            }
        }
        String nfd = java.text.Normalizer.normalize(clean, java.text.Normalizer.Form.NFD);
        StringBuilder stripped = new StringBuilder(nfd.length());
        for (int i = 0; i < nfd.length(); ) {
            int cp = nfd.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) != Character.NON_SPACING_MARK) {
                stripped.appendCodePoint(cp);
            }
        }
        String t = stripped.toString().toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            i += Character.charCount(cp);
            if (isBertWhitespace(cp)) {
                flush(cur, words);
            } else if (isBertPunctuation(cp)) {
                flush(cur, words);
                words.add(new String(Character.toChars(cp)));
            } else {
                cur.appendCodePoint(cp);
            }
        }
        flush(cur, words);
        return words;
    }

    private static boolean isBertWhitespace(int cp) {
        return cp == '\t' || cp == '\n' || cp == '\r' || Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    private static boolean isBertControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE;
    }

    private static boolean isBertPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
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
            out = new int[] {unkId};
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
                    // the project mode never matches its specials; BERT's reference matches any entry
                    if (id != null && (bert || id > CLS_ID)) {
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
            out = bad ? new int[] {unkId} : pieces.stream().mapToInt(Integer::intValue).toArray();
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
        for (String w : words(text)) {
            for (int id : encodeWord(w)) {
                out.add(id);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * {@code [CLS]} + pieces, truncated to {@link #maxLength()}, padded with {@code [PAD]}; in BERT mode
     * {@code [CLS]} + pieces truncated to {@code maxLength − 2} + {@code [SEP]}, then padding.
     */
    public int[] encode(String text) {
        int[] p = pieces(text);
        int[] out = new int[maxLength];
        out[0] = clsId;
        int n = Math.min(p.length, maxLength - (bert ? 2 : 1));
        System.arraycopy(p, 0, out, 1, n);
        if (bert) {
            out[n + 1] = sepId;
        }
        return out;
    }

    /** Number of pieces of a text with its specials ({@code [CLS]}, and {@code [SEP]} in BERT mode), untruncated. */
    public int fullLength(String text) {
        return pieces(text).length + (bert ? 2 : 1);
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
            if (id == PAD_ID || id == clsId || id == sepId) {
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

    /**
     * Writes {@code maxLength} on the first line (with {@code " bert"} after it in BERT mode), then one vocabulary
     * entry per line.
     */
    public void save(Path file) {
        StringBuilder sb = new StringBuilder();
        sb.append("#maxLength=").append(maxLength).append(bert ? " bert" : "").append('\n');
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
            String head = lines.get(0).substring("#maxLength=".length()).trim();
            boolean bertMode = head.endsWith(" bert");
            int ml = Integer.parseInt(bertMode ? head.substring(0, head.length() - 5).trim() : head);
            return new WordPieceTokenizer(lines.subList(1, lines.size()), ml, bertMode);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }
}
