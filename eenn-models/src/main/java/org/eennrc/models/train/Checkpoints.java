package org.eennrc.models.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eennrc.models.SettingsJson;
import org.eennrc.risk.io.AtomicFiles;

/**
 * The checkpoint listener: after every epoch it writes the whole training state, and {@link #restore} brings a
 * network back to the newest intact one, which is how {@link EarlyExitTrainer} resumes exactly.
 *
 * <p>Layout of the folder: {@code epoch-NNNN.<ext>} (the network with its updater state) and
 * {@code epoch-NNNN.json}, then {@code LAST} naming the newest complete checkpoint. The JSON holds {@code identity}
 * (what must match on resume, e.g. the model's configuration), {@code settings} (e.g. the training configuration),
 * {@code state} ({@code completed_epochs}, {@code epochs}, {@code iteration}) and {@code history} (the epoch
 * summaries). Every file is written atomically and {@code LAST} last, so a crash mid-write leaves the previous
 * checkpoint in force.
 *
 * <p>On resume, the identity must equal the checkpoint's; different settings are reported but kept from the
 * checkpoint's updater and schedule. {@code LAST} may only name a checkpoint of this folder; a corrupt newest
 * checkpoint is reported by name and the newest intact one is used instead. Checkpoints written before this format
 * ({@code epoch-NNNN.properties}) are refused with a message saying so.
 */
public final class Checkpoints implements TrainingListener {
    public static final String LAST = "LAST";
    /** The checkpoint folder inside a training output folder, by convention of the built-in recipes. */
    public static final String FOLDER = "checkpoints";

    /** Whether {@code outDir} holds a checkpoint to resume from ({@code outDir/checkpoints/LAST}). */
    public static boolean resumable(java.nio.file.Path outDir) {
        return java.nio.file.Files.isRegularFile(outDir.resolve(FOLDER).resolve(LAST));
    }
    private static final Pattern NAME = Pattern.compile("epoch-\\d{4,}");
    private static final String EXT = ".json";
    private static final ObjectMapper JSON = SettingsJson.mapper();

    private final Path dir;
    private final JsonNode identity;
    private final JsonNode settings;
    private final List<EpochSummary> history = new ArrayList<>();

    /**
     * @param dir      the checkpoint folder
     * @param identity what must match on resume (e.g. the model configuration): any value Jackson writes as JSON, such
     *                 as a configuration record or a map; null for nothing
     * @param settings what is recorded and compared on resume (e.g. the training configuration); null for nothing
     */
    public Checkpoints(Path dir, Object identity, Object settings) {
        this.dir = dir;
        this.identity = tree(identity);
        this.settings = tree(settings);
    }

    /** A restored training state; {@code document} is the checkpoint's JSON. */
    public record Restored(Path file, int completedEpochs, List<EpochSummary> history, JsonNode document) {
    }

    static String name(int epoch) {
        return String.format(Locale.ROOT, "epoch-%04d", epoch);
    }

    /** The JSON document of the checkpoint whose network is in {@code file} ({@code epoch-NNNN.<ext>}). */
    public static JsonNode read(Path file) throws IOException {
        String base = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path json = file.resolveSibling(base + EXT);
        if (!Files.isRegularFile(json) && Files.isRegularFile(file.resolveSibling(base + ".properties"))) {
            throw new IllegalStateException(olderVersion(file.getParent()));
        }
        return JSON.readTree(json.toFile());
    }

    @Override
    public EpochSummary onEpochEnd(TrainableNetwork network, EpochSummary summary) {
        String base = name(summary.epoch());
        Path model = dir.resolve(base + "." + network.fileExtension());
        EpochSummary done = summary.withCheckpoint(model.toString());
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(model, out -> network.save(out, true));
            ObjectNode doc = JSON.createObjectNode();
            doc.set("identity", identity);
            doc.set("settings", settings);
            ObjectNode state = doc.putObject("state");
            state.put("completed_epochs", summary.epoch());
            state.put("epochs", summary.epochs());
            state.put("iteration", network.iteration());
            List<EpochSummary> all = new ArrayList<>(history);
            all.add(done);
            doc.set("history", TrainingHistory.write(all));
            byte[] text = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
            AtomicFiles.write(dir.resolve(base + EXT), out -> out.write(text));
            AtomicFiles.write(dir.resolve(LAST), out -> out.write((base + "\n").getBytes(StandardCharsets.UTF_8)));
            history.add(done);
        } catch (IOException e) {
            throw new UncheckedIOException("writing checkpoint " + model, e);
        }
        return done;
    }

    /**
     * Restores the newest intact checkpoint into {@code network}.
     *
     * @param log receives what was restored and any warning (corrupt checkpoints, changed settings)
     * @throws IllegalStateException if there is no checkpoint to resume from, or only checkpoints of an older version
     * @throws IllegalArgumentException if the checkpoint is of another model, or {@code LAST} points elsewhere
     */
    public Restored restore(TrainableNetwork network, Consumer<String> log) throws IOException {
        Path last = dir.resolve(LAST);
        if (!Files.isRegularFile(last)) {
            throw new IllegalStateException("resume: no checkpoint in " + dir + " (no " + LAST + " file)");
        }
        String named = Files.readString(last, StandardCharsets.UTF_8).trim();
        if (!NAME.matcher(named).matches()) {
            throw new IllegalArgumentException("resume: " + last + " names '" + named
                    + "', which is not a checkpoint of this folder (expected epoch-NNNN)");
        }
        if (!Files.exists(dir.resolve(named + EXT)) && Files.exists(dir.resolve(named + ".properties"))) {
            throw new IllegalStateException("resume: " + olderVersion(dir));
        }
        TreeSet<String> candidates = new TreeSet<>(java.util.Comparator.reverseOrder());
        candidates.add(named);
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(EXT))
                    .map(f -> f.substring(0, f.length() - EXT.length()))
                    .filter(b -> NAME.matcher(b).matches() && b.compareTo(named) <= 0).forEach(candidates::add);
        }
        IOException firstProblem = null;
        for (String base : candidates) {
            Path json = dir.resolve(base + EXT);
            Path model = dir.resolve(base + "." + network.fileExtension());
            JsonNode doc;
            int epoch;
            List<EpochSummary> h;
            try {
                doc = JSON.readTree(json.toFile());
                JsonNode state = doc.required("state");
                epoch = state.required("completed_epochs").asInt();
                int epochs = state.path("epochs").asInt(0);
                h = TrainingHistory.read(doc.path("history"), epoch, epochs,
                        e -> dir.resolve(name(e) + "." + network.fileExtension()).toString());
            } catch (IOException | RuntimeException e) {
                firstProblem = unreadable(json, e, firstProblem, log);
                continue;
            }
            checkIdentity(doc.path("identity")); // a checkpoint of another model is an error, not a reason to fall back
            try {
                network.restore(model, doc.required("state").required("iteration").asInt(), epoch);
            } catch (IOException | RuntimeException e) {
                firstProblem = unreadable(model, e, firstProblem, log);
                continue;
            }
            if (firstProblem != null) {
                log.accept("[eenn] resume: using the newest intact checkpoint " + model);
            }
            List<String> changed = differences(settings, doc.path("settings"));
            if (!changed.isEmpty()) {
                log.accept("[eenn] resume: training settings differ from the checkpoint's (" + String.join(", ", changed)
                        + "); the saved updater state and iteration count are kept");
            }
            history.clear();
            history.addAll(h);
            return new Restored(model, epoch, List.copyOf(h), doc);
        }
        throw firstProblem != null ? firstProblem : new IOException("resume: no intact checkpoint in " + dir);
    }

    private static String olderVersion(Path dir) {
        return "the checkpoints in " + dir + " were written by an older version of eenn-rc (epoch-NNNN.properties)"
                + " and cannot be resumed; train again without resuming (eenn train --force)";
    }

    private static IOException unreadable(Path file, Exception e, IOException first, Consumer<String> log) {
        log.accept("[eenn] resume: checkpoint file " + file + " cannot be read (" + e + "); trying an older one");
        return first != null ? first : new IOException("resume: checkpoint file " + file + " cannot be read: " + e, e);
    }

    private void checkIdentity(JsonNode saved) {
        List<String> diff = differences(identity, saved);
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException("resume: the checkpoint in " + dir + " is of another model ("
                    + String.join(", ", diff) + ")");
        }
    }

    /** Values of {@code expected} that differ in {@code actual}, as "key.path: actual -> expected". */
    private static List<String> differences(JsonNode expected, JsonNode actual) {
        Map<String, String> want = leaves(expected);
        Map<String, String> have = leaves(actual);
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : want.entrySet()) {
            String a = have.get(e.getKey());
            if (!e.getValue().equals(a)) {
                out.add(e.getKey() + ": " + a + " -> " + e.getValue());
            }
        }
        return out;
    }

    /** Every leaf value by its path ({@code widths[1]}, {@code model.seed}), sorted. */
    private static Map<String, String> leaves(JsonNode n) {
        Map<String, String> out = new TreeMap<>();
        collect(n, "", out);
        return out;
    }

    private static void collect(JsonNode n, String path, Map<String, String> out) {
        if (n == null || n.isMissingNode()) {
            return;
        }
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                collect(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
            }
        } else if (n.isArray()) {
            out.put(path, n.toString()); // a list is one value: its length counts as much as its entries
        } else {
            out.put(path, n.asText());
        }
    }

    private static JsonNode tree(Object value) {
        return value == null ? JSON.createObjectNode() : JSON.valueToTree(value);
    }
}
