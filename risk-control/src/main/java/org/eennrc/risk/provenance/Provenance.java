package org.eennrc.risk.provenance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eennrc.risk.internal.JsonWriter;
import org.eennrc.risk.io.AtomicFiles;

/**
 * What produced a result: the tool and its build, the command line, the machine, every input file and plug-in jar
 * with its SHA-256, the seed, the config hash and the times. Every result folder of eenn-rc carries one of these as
 * {@code provenance.json} (in the style of Tribuo's provenance: one typed record, not a free-form map), so a
 * number in a report can be traced to the exact code, plug-ins and bytes that gave it.
 *
 * <p>Building a provenance starts no process and reads nothing in the working directory: the tool's version and
 * commit come from {@link BuildInfo}, a resource written at build time.
 *
 * @param tool the tool, {@code eenn}
 * @param build version and commit of the eenn-rc build
 * @param command the command, e.g. {@code protocol} or {@code reproduce}
 * @param args the command-line arguments as given
 * @param workingDirectory the absolute working directory (relative paths in {@code args} are relative to it)
 * @param java Java version and vendor
 * @param os OS name, version and architecture
 * @param processors available processors
 * @param inputs input files with their SHA-256
 * @param plugins plug-in jars (and folders) with their SHA-256
 * @param seed the random seed, or null when the command draws nothing at random
 * @param configHash SHA-256 of the experiment config text, or null when there is no config
 * @param startedAt when the command started
 * @param finishedAt when the result was complete
 * @param details command-specific facts (settings, timings, data sources, library versions), written after the
 *     typed fields under their own keys
 */
public record Provenance(String tool, BuildInfo build, String command, List<String> args, String workingDirectory,
        String java, String os, int processors, List<FileDigest> inputs, List<FileDigest> plugins, Long seed,
        String configHash, Instant startedAt, Instant finishedAt, Map<String, Object> details) {

    /** The JSON keys of the typed fields; a detail may not reuse one. */
    public static final Set<String> FIELDS = Set.of("tool", "version", "commit", "dirty", "command", "args",
            "working_directory", "java", "os", "available_processors", "inputs", "plugins", "seed", "config_hash",
            "started_at", "finished_at");

    public Provenance {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(build, "build");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        args = List.copyOf(args);
        inputs = List.copyOf(inputs);
        plugins = List.copyOf(plugins);
        for (String k : details.keySet()) {
            if (FIELDS.contains(k)) throw new IllegalArgumentException("provenance detail '" + k + "' would hide the typed field of that name");
        }
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /**
     * Starts the provenance of a command now: the tool's build, Java, OS and processor count are filled in, the
     * rest is added to the builder; {@link Builder#finish()} stamps the end time.
     */
    public static Builder start(String command, List<String> args) {
        return new Builder(command, args);
    }

    /** The record as a JSON-ready map (snake_case keys, typed fields first, then the details). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", tool);
        m.put("version", build.version());
        m.put("commit", build.commit());
        m.put("dirty", build.dirty());
        m.put("command", command);
        m.put("args", args);
        m.put("working_directory", workingDirectory);
        m.put("java", java);
        m.put("os", os);
        m.put("available_processors", processors);
        m.put("inputs", inputs.stream().map(FileDigest::toMap).toList());
        m.put("plugins", plugins.stream().map(FileDigest::toMap).toList());
        m.put("seed", seed);
        m.put("config_hash", configHash);
        m.put("started_at", startedAt.toString());
        m.put("finished_at", finishedAt.toString());
        m.putAll(details);
        return m;
    }

    /** Pretty-printed JSON of {@link #toMap()}. */
    public String toJson() {
        return JsonWriter.write(toMap()) + "\n";
    }

    /** Writes {@link #toJson()} atomically (a temporary file moved into place). */
    public void write(Path file) throws IOException {
        byte[] bytes = toJson().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** Collects the parts of a provenance while a command runs. Not thread-safe. */
    public static final class Builder {
        private final String command;
        private final List<String> args;
        private final Instant startedAt = Instant.now();
        private final List<FileDigest> inputs = new ArrayList<>();
        private final List<FileDigest> plugins = new ArrayList<>();
        private final Map<String, Object> details = new LinkedHashMap<>();
        private Long seed;
        private String configHash;

        private Builder(String command, List<String> args) {
            this.command = Objects.requireNonNull(command, "command");
            this.args = List.copyOf(args);
        }

        /** The time {@link Provenance#start} was called. */
        public Instant startedAt() {
            return startedAt;
        }

        /** Hashes an input file now (so the hash is of the bytes that were read). */
        public Builder input(String role, Path file) {
            inputs.add(FileDigest.of(role, file));
            return this;
        }

        /** Adds already hashed inputs. */
        public Builder inputs(List<FileDigest> digests) {
            inputs.addAll(digests);
            return this;
        }

        /** The plug-in jars in use (see {@code org.eennrc.risk.inject.Plugins#jars()}). */
        public Builder plugins(List<FileDigest> jars) {
            plugins.addAll(jars);
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** The SHA-256 of the config text. */
        public Builder configHash(String sha256) {
            this.configHash = sha256;
            return this;
        }

        /** A command-specific fact under its own key (a string, number, boolean, list or map). */
        public Builder detail(String key, Object value) {
            if (FIELDS.contains(key)) throw new IllegalArgumentException("provenance detail '" + key + "' would hide the typed field of that name");
            details.put(key, value);
            return this;
        }

        /** The provenance, finished now. */
        public Provenance finish() {
            return new Provenance("eenn", BuildInfo.current(), command, args,
                    Path.of("").toAbsolutePath().toString(),
                    System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), inputs, plugins, seed, configHash, startedAt,
                    Instant.now(), details);
        }
    }
}
