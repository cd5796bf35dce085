package org.eennrc.models.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eennrc.risk.io.AtomicFiles;

/**
 * The checkpoint listener: after every epoch it writes the whole training state, and {@link #restore} brings a
 * network back to the newest intact one, which is how {@link EarlyExitTrainer} resumes exactly.
 *
 * <p>Layout of the folder: {@code epoch-NNNN.<ext>} (the network with its updater state) and
 * {@code epoch-NNNN.properties} (what identifies the run, its settings, the epoch and iteration reached, and the
 * history of epoch summaries), then {@code LAST} naming the newest complete checkpoint. Every file is written
 * atomically and {@code LAST} last, so a crash mid-write leaves the previous checkpoint in force.
 *
 * <p>On resume, the identity (the model's configuration) must equal the checkpoint's; different settings (the
 * training configuration) are reported but kept from the checkpoint's updater and schedule. {@code LAST} may only
 * name a checkpoint of this folder; a corrupt newest checkpoint is reported by name and the newest intact one is
 * used instead.
 */
public final class Checkpoints implements TrainingListener {
    public static final String LAST = "LAST";
    private static final Pattern NAME = Pattern.compile("epoch-\\d{4,}");

    private final Path dir;
    private final Properties identity;
    private final Properties settings;
    private final List<EpochSummary> history = new ArrayList<>();

    /**
     * @param dir the checkpoint folder
     * @param identity what must match on resume (e.g. the model configuration)
     * @param settings what is recorded and compared on resume (e.g. the training configuration)
     */
    public Checkpoints(Path dir, Properties identity, Properties settings) {
        this.dir = dir;
        this.identity = copy(identity);
        this.settings = copy(settings);
    }

    /** A restored training state. */
    public record Restored(Path file, int completedEpochs, List<EpochSummary> history, Properties properties) {
    }

    static String name(int epoch) {
        return String.format(Locale.ROOT, "epoch-%04d", epoch);
    }

    @Override
    public EpochSummary onEpochEnd(TrainableNetwork network, EpochSummary summary) {
        String base = name(summary.epoch());
        Path model = dir.resolve(base + "." + network.fileExtension());
        EpochSummary done = summary.withCheckpoint(model.toString());
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(model, out -> network.save(out, true));
            Properties p = new Properties();
            p.putAll(identity);
            p.putAll(settings);
            p.setProperty("state.completedEpochs", Integer.toString(summary.epoch()));
            p.setProperty("state.epochs", Integer.toString(summary.epochs()));
            p.setProperty("state.iteration", Integer.toString(network.iteration()));
            List<EpochSummary> all = new ArrayList<>(history);
            all.add(done);
            TrainingHistory.write(p, all);
            AtomicFiles.write(dir.resolve(base + ".properties"), out -> p.store(out, "eenn-rc training checkpoint"));
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
     * @throws IllegalStateException if there is no checkpoint to resume from
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
        TreeSet<String> candidates = new TreeSet<>(java.util.Comparator.reverseOrder());
        candidates.add(named);
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".properties"))
                    .map(f -> f.substring(0, f.length() - ".properties".length()))
                    .filter(b -> NAME.matcher(b).matches() && b.compareTo(named) <= 0).forEach(candidates::add);
        }
        IOException firstProblem = null;
        for (String base : candidates) {
            Path props = dir.resolve(base + ".properties");
            Path model = dir.resolve(base + "." + network.fileExtension());
            Properties p = new Properties();
            int epoch;
            List<EpochSummary> h;
            try {
                try (var in = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
                    p.load(in);
                }
                epoch = Integer.parseInt(p.getProperty("state.completedEpochs"));
                int epochs = Integer.parseInt(p.getProperty("state.epochs", "0"));
                h = TrainingHistory.read(p, epoch, epochs,
                        e -> dir.resolve(name(e) + "." + network.fileExtension()).toString());
            } catch (IOException | RuntimeException e) {
                firstProblem = unreadable(props, e, firstProblem, log);
                continue;
            }
            checkIdentity(p); // a checkpoint of another model is an error, not a reason to fall back
            try {
                network.restore(model, Integer.parseInt(p.getProperty("state.iteration")), epoch);
            } catch (IOException | RuntimeException e) {
                firstProblem = unreadable(model, e, firstProblem, log);
                continue;
            }
            if (firstProblem != null) {
                log.accept("[eenn] resume: using the newest intact checkpoint " + model);
            }
            List<String> changed = differences(settings, p);
            if (!changed.isEmpty()) {
                log.accept("[eenn] resume: training settings differ from the checkpoint's (" + String.join(", ", changed)
                        + "); the saved updater state and iteration count are kept");
            }
            history.clear();
            history.addAll(h);
            return new Restored(model, epoch, List.copyOf(h), p);
        }
        throw firstProblem != null ? firstProblem : new IOException("resume: no intact checkpoint in " + dir);
    }

    private static IOException unreadable(Path file, Exception e, IOException first, Consumer<String> log) {
        log.accept("[eenn] resume: checkpoint file " + file + " cannot be read (" + e + "); trying an older one");
        return first != null ? first : new IOException("resume: checkpoint file " + file + " cannot be read: " + e, e);
    }

    private void checkIdentity(Properties p) {
        List<String> diff = differences(identity, p);
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException("resume: the checkpoint in " + dir + " is of another model ("
                    + String.join(", ", diff) + ")");
        }
    }

    /** Keys of {@code expected} whose value in {@code actual} differs, as "key: actual -> expected". */
    private static List<String> differences(Properties expected, Properties actual) {
        List<String> out = new ArrayList<>();
        for (String k : new TreeSet<>(expected.stringPropertyNames())) {
            String a = actual.getProperty(k);
            if (!expected.getProperty(k).equals(a)) {
                out.add(k + ": " + a + " -> " + expected.getProperty(k));
            }
        }
        return out;
    }

    private static Properties copy(Properties p) {
        Properties c = new Properties();
        if (p != null) {
            c.putAll(p);
        }
        return c;
    }
}
