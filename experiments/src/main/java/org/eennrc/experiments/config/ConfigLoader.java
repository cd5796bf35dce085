package org.eennrc.experiments.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.Risks;
import org.eennrc.models.ModelIO;
import org.eennrc.models.SettingException;
import org.eennrc.models.SettingsJson;
import org.eennrc.experiments.config.ExperimentConfig.CachedScores;
import org.eennrc.experiments.config.ExperimentConfig.DataConfig;
import org.eennrc.experiments.config.ExperimentConfig.DataDir;
import org.eennrc.experiments.config.ExperimentConfig.FashionMnist;
import org.eennrc.experiments.config.ExperimentConfig.Outputs;
import org.eennrc.experiments.config.ExperimentConfig.ProtocolConfig;
import org.eennrc.experiments.config.ExperimentConfig.WordNet;
import org.eennrc.models.seg.SegTrainer;

/**
 * Reads an {@link ExperimentConfig} strictly: unknown keys, wrong types, missing required keys, values out of range
 * and missing input files are all reported as a {@link ConfigException} naming the file and the key path.
 * {@code .json} files are read as JSON, everything else as YAML. Relative paths in the config are resolved against
 * the folder of the config file, except the paths under {@code data} when the config names a data folder
 * ({@code data_dir}: an environment variable, a default folder and a help text), which are resolved against that
 * folder. That is how a config reads data that must not be copied into the repository.
 */
public final class ConfigLoader {
    /** Risk name of cached per-threshold scores: loss = score(reference) − score(λ). */
    public static final String SCORE_GAP = "score-gap";

    private static final ObjectMapper YAML = configure(YAMLMapper.builder());
    private static final ObjectMapper JSON = configure(JsonMapper.builder());

    private ConfigLoader() {}

    /** snake_case keys and the strict settings of the library's configuration records ({@link SettingsJson}). */
    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> M configure(MapperBuilder<M, B> b) {
        return SettingsJson.strict(b.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }

    /** Reads and validates the config file; {@code data_dir.env} is read from the process environment. */
    public static ExperimentConfig load(Path file) {
        return load(file, System::getenv);
    }

    /**
     * Reads and validates the config file, looking environment variables up with {@code environment} (a null or
     * blank value means unset), so a caller can point a data folder elsewhere without touching the process
     * environment.
     */
    public static ExperimentConfig load(Path file, Function<String, String> environment) {
        String where = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(where, "", "config file not found");
        } catch (IOException e) {
            throw new ConfigException(where, "", "cannot read the config file: " + e.getMessage(), e);
        }
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        ExperimentConfig c = parse(text, where, json);
        c.source = file;
        c.text = text;
        Path base = file.toAbsolutePath().getParent();
        resolvePaths(c, base, dataFolder(c, base, environment, where));
        validate(c, where);
        return c;
    }

    /** Parses config text; {@code where} names it in messages. Paths stay as written and files are not checked. */
    public static ExperimentConfig parse(String text, String where, boolean json) {
        ObjectMapper m = json ? JSON : YAML;
        JsonNode tree;
        try {
            tree = m.readTree(text);
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": ";
            throw new ConfigException(where, "", loc + (json ? "JSON" : "YAML") + " syntax error: " + e.getOriginalMessage(), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) throw new ConfigException(where, "", "the config is empty");
        if (!tree.isObject()) throw new ConfigException(where, "", "expected a mapping of keys at the top level, got " + show(tree));
        for (String k : List.of("validation_size", "split_seed")) {
            if (tree.path("training").has(k)) {
                throw new ConfigException(where, "training." + k, "the data split is set in the data section: data." + k
                        + " (Fashion-MNIST); remove it here");
            }
        }
        try {
            return m.treeToValue(tree, ExperimentConfig.class);
        } catch (JsonMappingException e) {
            throw translate(e, tree, where);
        } catch (JsonProcessingException e) {
            throw new ConfigException(where, "", e.getOriginalMessage(), e);
        }
    }

    private static ConfigException translate(JsonMappingException e, JsonNode tree, String where) {
        List<JsonMappingException.Reference> path = e.getPath();
        String key = keyPath(path);
        JsonNode value = nodeAt(tree, path);
        SettingException setting = SettingException.causeOf(e);
        if (setting != null) { // a library record refused a value: its key is the config's key path
            return new ConfigException(where, setting.key(), setting.problem(), e);
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return new ConfigException(where, key, "unknown key; expected one of: " + known(u.getKnownPropertyIds()), e);
        }
        if (e instanceof InvalidTypeIdException t) {
            String k = key.isEmpty() ? "type" : key + ".type";
            String id = t.getTypeId();
            String knownTypes = "cached-scores, outputs, fashion-mnist, wordnet";
            if (id == null) return new ConfigException(where, k, "missing; expected one of: " + knownTypes, e);
            return new ConfigException(where, k, "unknown type \"" + id + "\"; expected one of: " + knownTypes, e);
        }
        if (e instanceof InvalidFormatException f) {
            return new ConfigException(where, key, "expected " + describe(f.getTargetType()) + ", got "
                    + show(value != null ? value : null, f.getValue()), e);
        }
        if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            return new ConfigException(where, key, "expected " + describe(mi.getTargetType()) + ", got " + show(value), e);
        }
        // Our own deserializers (Values) write the whole message.
        return new ConfigException(where, key, e.getOriginalMessage(), e);
    }

    static String keyPath(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static JsonNode nodeAt(JsonNode tree, List<JsonMappingException.Reference> path) {
        JsonNode n = tree;
        for (JsonMappingException.Reference r : path) {
            if (n == null) return null;
            n = r.getFieldName() != null ? n.get(r.getFieldName()) : n.get(r.getIndex());
        }
        return n;
    }

    private static String known(Collection<Object> ids) {
        TreeSet<String> s = new TreeSet<>();
        for (Object o : ids) s.add(String.valueOf(o));
        return String.join(", ", s);
    }

    /** How a config value reads in a message: strings quoted, lists and mappings named. */
    static String show(JsonNode n) {
        if (n == null || n.isMissingNode()) return "nothing";
        if (n.isNull()) return "null (an empty value)";
        if (n.isTextual()) return "\"" + n.textValue() + "\"";
        if (n.isArray()) return "a list";
        if (n.isObject()) return "a mapping";
        return n.asText();
    }

    private static String show(JsonNode n, Object fallback) {
        if (n != null) return show(n);
        return fallback instanceof String s ? "\"" + s + "\"" : String.valueOf(fallback);
    }

    private static String describe(Class<?> t) {
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) return "an integer";
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) return "a number";
        if (t == boolean.class || t == Boolean.class) return "true or false";
        if (t == String.class) return "a string";
        if (t == Path.class) return "a file path (a string)";
        if (List.class.isAssignableFrom(t) || t.isArray()) return "a list";
        if (Map.class.isAssignableFrom(t)) return "a mapping of names to values";
        if (t.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : t.getEnumConstants()) names.add(JSON.convertValue(c, String.class));
            return "one of " + String.join(", ", names);
        }
        return "a mapping of keys";
    }

    /** Data paths resolve against {@code dataBase} (the data folder, or the config's folder), others against {@code base}. */
    private static void resolvePaths(ExperimentConfig c, Path base, Path dataBase) {
        if (c.data instanceof CachedScores d) {
            d.scores = resolve(dataBase, d.scores);
            d.efficiency = resolve(dataBase, d.efficiency);
            d.lambdas = resolve(dataBase, d.lambdas);
        } else if (c.data instanceof Outputs d) {
            d.path = resolve(dataBase, d.path);
        } else if (c.data instanceof FashionMnist d) {
            d.dir = resolve(dataBase, d.dir);
        } else if (c.data instanceof WordNet d) {
            d.dir = resolve(dataBase, d.dir);
        } else if (c.data instanceof ExperimentConfig.FashionScenes d) {
            d.dir = resolve(dataBase, d.dir);
        }
        if (c.model != null) c.model.cacheDir = resolve(base, c.model.cacheDir);
    }

    /**
     * The folder that data paths resolve against: the config's folder without {@code data_dir}; else the folder
     * named by {@code data_dir.env} when that variable is set (relative to the working directory, as in a shell),
     * else {@code data_dir.path} (relative to the config). Records the choice and its reason for error messages.
     */
    private static Path dataFolder(ExperimentConfig c, Path base, Function<String, String> environment, String where) {
        DataDir d = c.dataDir;
        if (d == null) return base;
        if (d.env == null && d.path == null) {
            throw new ConfigException(where, "data_dir", "expected env (an environment variable that names the data"
                    + " folder), path (the folder), or both");
        }
        if (d.env != null && !d.env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigException(where, "data_dir.env", "expected the name of an environment variable (letters,"
                    + " digits and '_'), got " + quote(d.env));
        }
        String value = d.env == null ? null : environment.apply(d.env);
        if (value != null && !value.isBlank()) {
            try {
                d.resolved = Path.of(value).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw new ConfigException(where, "data_dir.env", d.env + " = " + quote(value) + " is not a folder path: "
                        + e.getMessage(), e);
            }
            d.origin = "named by the environment variable " + d.env;
        } else if (d.path != null) {
            d.resolved = resolve(base, d.path);
            d.origin = d.env == null ? "data_dir.path" : d.env + " is not set, so the default data_dir.path was used";
        } else {
            throw new ConfigException(where, "data_dir", "the environment variable " + d.env + " is not set and"
                    + " data_dir.path gives no default; set " + d.env + " to the folder that holds the data." + help(d));
        }
        return d.resolved;
    }

    /** " How to get the data: …" from data_dir.help, or nothing. */
    private static String help(DataDir d) {
        return d == null || d.help == null || d.help.isBlank() ? "" : " How to get the data: " + d.help.strip();
    }

    /** What a missing data file's message adds when it was looked for in a data folder. */
    private static String dataFolderNote(ExperimentConfig c) {
        DataDir d = c.dataDir;
        if (d == null || d.resolved == null) return "";
        return " (data folder " + d.resolved + ", " + d.origin + ")." + help(d);
    }

    private static Path resolve(Path base, Path p) {
        if (p == null || p.isAbsolute()) return p;
        return base.resolve(p).normalize();
    }

    /** Required keys, ranges, known names and input files; paths must already be resolved. */
    public static void validate(ExperimentConfig c, String where) {
        require(c.name, where, "name");
        if (c.name.isBlank() || !c.name.matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException(where, "name", "expected a short name of letters, digits, '.', '_' or '-', got \"" + c.name + "\"");
        }
        require(c.data, where, "data");
        require(c.risks, where, "risks");
        require(c.controllers, where, "controllers");
        require(c.protocol, where, "protocol");
        if (c.risks.isEmpty()) throw new ConfigException(where, "risks", "expected at least one risk");
        if (c.controllers.isEmpty()) throw new ConfigException(where, "controllers", "expected at least one controller");
        for (int i = 0; i < c.controllers.size(); i++) {
            if (c.controllers.get(i) == null || c.controllers.get(i).isBlank()) {
                throw new ConfigException(where, "controllers[" + i + "]", "empty controller name");
            }
            String name = c.controllers.get(i).trim();
            if (c.controllers.subList(0, i).stream().anyMatch(n -> n != null && n.trim().equals(name))) {
                throw new ConfigException(where, "controllers[" + i + "]", "\"" + name
                        + "\" is listed twice (it would give the same rows twice)");
            }
        }
        for (int i = 0; i < c.risks.size(); i++) {
            if (c.risks.get(i) != null && c.risks.subList(0, i).contains(c.risks.get(i))) {
                throw new ConfigException(where, "risks[" + i + "]", "\"" + c.risks.get(i) + "\" is listed twice");
            }
        }
        ProtocolConfig p = c.protocol;
        require(p.epsilons, where, "protocol.epsilons");
        require(p.nCal, where, "protocol.n_cal");
        require(p.delta, where, "protocol.delta");
        require(p.trials, where, "protocol.trials");
        require(p.seed, where, "protocol.seed");
        java.util.Set<Double> seenEps = new java.util.HashSet<>();
        for (double e : p.epsilons.values()) {
            if (!(e > 0 && e < 1)) throw new ConfigException(where, "protocol.epsilons", "every epsilon must be in (0, 1), got " + e);
            if (!seenEps.add(e)) throw new ConfigException(where, "protocol.epsilons", e + " is listed twice");
        }
        if (p.nCal.values().size() != new java.util.HashSet<>(p.nCal.values()).size()) {
            throw new ConfigException(where, "protocol.n_cal", "a calibration size is listed twice: " + p.nCal.values());
        }
        if (!(p.delta > 0 && p.delta < 1)) throw new ConfigException(where, "protocol.delta", "must be in (0, 1), got " + p.delta);
        if (p.trials < 1) throw new ConfigException(where, "protocol.trials", "must be at least 1, got " + p.trials);
        for (int n : p.nCal.values()) {
            if (n < 2) throw new ConfigException(where, "protocol.n_cal", "every calibration size must be at least 2, got " + n);
        }
        if (!List.of("compute", "exit-layer").contains(p.efficiency)) {
            throw new ConfigException(where, "protocol.efficiency", "expected \"compute\" or \"exit-layer\", got " + quote(p.efficiency));
        }
        if (c.perExit != null) checkPerExit(c, where);
        if (c.speed != null) checkSpeed(c, where);
        if (c.lambdaGrid == null || c.lambdaGrid.size < 2) {
            throw new ConfigException(where, "lambda_grid.size", "must be at least 2");
        }
        checkClassNames(c.customControllers, where, "custom_controllers");
        checkClassNames(c.customBounds, where, "custom_bounds");

        DataConfig d = c.data;
        DataDir dir = c.dataDir;
        if (dir != null && dir.resolved != null && !Files.isDirectory(dir.resolved)) {
            String fix = dir.env == null ? "" : " Set " + dir.env + " to the folder that holds the data files, or put"
                    + " them there.";
            throw new ConfigException(where, "data_dir", "data folder not found: " + dir.resolved + " (" + dir.origin
                    + ")." + fix + help(dir));
        }
        String note = dataFolderNote(c);
        if (d instanceof CachedScores s) {
            if (Boolean.TRUE.equals(c.protocol.baselines)) {
                throw new ConfigException(where, "protocol.baselines", "the permutation baselines reassign exits, but"
                        + " cached scores have no exits (only a score per threshold); remove it or use per-exit outputs");
            }
            requireFile(s.scores, where, "data.scores", note);
            requireFile(s.efficiency, where, "data.efficiency", note);
            if (s.lambdas != null) requireFile(s.lambdas, where, "data.lambdas", note);
            if (s.referenceRow == null || s.referenceRow < 0) throw new ConfigException(where, "data.reference_row", "must be >= 0");
            if (s.bound == null || !(s.bound > 0)) throw new ConfigException(where, "data.bound", "must be > 0");
            for (int i = 0; i < c.risks.size(); i++) {
                if (!SCORE_GAP.equals(c.risks.get(i))) {
                    throw new ConfigException(where, "risks[" + i + "]", "cached scores support only the risk \""
                            + SCORE_GAP + "\" (score at the reference row minus score at λ), got " + quote(c.risks.get(i)));
                }
            }
            if (c.model != null) throw new ConfigException(where, "model", "not used with data.type cached-scores; remove it");
            if (c.training != null) throw new ConfigException(where, "training", "not used with data.type cached-scores; remove it");
        } else {
            for (int i = 0; i < c.risks.size(); i++) {
                try {
                    Risks.byName(c.risks.get(i));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(where, "risks[" + i + "]", e.getMessage(), e);
                }
            }
            if (c.confidence == null) {
                // dense outputs carry their image confidence (data.confidence) as the provided one
                c.confidence = d instanceof ExperimentConfig.FashionScenes ? "provided" : ConfidenceMeasures.DEFAULT;
            }
            try {
                ConfidenceMeasures.byName(c.confidence);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where, "confidence", e.getMessage(), e);
            }
        }
        if (d instanceof Outputs o) {
            requireFile(o.path, where, "data.path", note);
            if (c.model != null) throw new ConfigException(where, "model", "not used with data.type outputs (the model ran elsewhere); remove it");
            if (c.training != null) throw new ConfigException(where, "training", "not used with data.type outputs; remove it");
        }
        if (d instanceof FashionMnist f) {
            requireDir(f.dir, where, "data.dir", note);
            if (!List.of("test", "validation").contains(f.split)) {
                throw new ConfigException(where, "data.split", "expected \"test\" or \"validation\", got " + quote(f.split));
            }
            require(c.model, where, "model");
            if (!ModelIO.RESNET.equals(c.model.type)) {
                throw new ConfigException(where, "model.type", "expected \"" + ModelIO.RESNET + "\" for Fashion-MNIST, got " + quote(c.model.type));
            }
        }
        if (d instanceof WordNet) {
            require(c.model, where, "model");
            if (!ModelIO.TRANSFORMER.equals(c.model.type)
                    && !org.eennrc.models.text.MiniLmTrainer.TYPE.equals(c.model.type)) {
                throw new ConfigException(where, "model.type", "expected \"" + ModelIO.TRANSFORMER + "\" or \""
                        + org.eennrc.models.text.MiniLmTrainer.TYPE + "\" for WordNet, got " + quote(c.model.type));
            }
        }
        if (d instanceof ExperimentConfig.FashionScenes f) {
            requireDir(f.dir, where, "data.dir", note);
            positive(f.trainScenes, where, "data.train_scenes");
            positive(f.validationScenes, where, "data.validation_scenes");
            positive(f.scenes, where, "data.scenes");
            positive(f.batchSize, where, "data.batch_size");
            require(f.trainSeed, where, "data.train_seed");
            require(f.validationSeed, where, "data.validation_seed");
            require(f.seed, where, "data.seed");
            if (f.threshold == null || f.threshold < 0 || f.threshold > 254) {
                throw new ConfigException(where, "data.threshold", "must be in [0, 254], got " + f.threshold);
            }
            if (f.pictures == null || f.pictures < 0) throw new ConfigException(where, "data.pictures", "must be >= 0");
            if (!"provided".equals(c.confidence)) {
                throw new ConfigException(where, "confidence", "Fashion-MNIST scenes carry one confidence per image,"
                        + " aggregated from the pixels as data.confidence says; set confidence: provided (or leave it"
                        + " out), got " + quote(c.confidence));
            }
            require(c.model, where, "model");
            if (!SegTrainer.TYPE.equals(c.model.type)) {
                throw new ConfigException(where, "model.type", "expected \"" + SegTrainer.TYPE
                        + "\" for Fashion-MNIST scenes, got " + quote(c.model.type));
            }
        }
        if (d instanceof FashionMnist || d instanceof WordNet || d instanceof ExperimentConfig.FashionScenes) {
            TrainingChecks.check(c, where);
        }
    }

    private static void positive(Integer v, String where, String key) {
        if (v == null || v < 1) throw new ConfigException(where, key, "must be at least 1, got " + v);
    }

    /** The {@code speed} block: a model trained here, a known risk and shared-threshold controller, values in range. */
    private static void checkSpeed(ExperimentConfig c, String where) {
        ExperimentConfig.SpeedConfig sp = c.speed;
        if (!(c.data instanceof ExperimentConfig.FashionMnist)) {
            throw new ConfigException(where, "speed", "timing real early exit needs the model, so it is measured for "
                    + "data type fashion-mnist only (the other types time it with eenn infer or the benchmarks)");
        }
        require(sp.risk, where, "speed.risk");
        if (!org.eennrc.core.Registry.current().riskNames().contains(sp.risk)) {
            throw new ConfigException(where, "speed.risk", "unknown risk " + quote(sp.risk) + "; known: "
                    + String.join(", ", org.eennrc.core.Registry.current().riskNames()));
        }
        require(sp.controller, where, "speed.controller");
        org.eennrc.risk.inject.ControllerRegistry registry = org.eennrc.core.Registry.current().controllers();
        if (registry.isPerExit(sp.controller)) {
            throw new ConfigException(where, "speed.controller", quote(sp.controller) + " is a per-exit controller;"
                    + " the speed block takes one with a shared threshold, e.g. crc");
        }
        require(sp.epsilon, where, "speed.epsilon");
        if (!(sp.epsilon > 0 && sp.epsilon < 1)) {
            throw new ConfigException(where, "speed.epsilon", "must be in (0, 1), got " + sp.epsilon);
        }
        if (sp.delta != null && !(sp.delta > 0 && sp.delta < 1)) {
            throw new ConfigException(where, "speed.delta", "must be in (0, 1), got " + sp.delta);
        }
        require(sp.batch, where, "speed.batch");
        if (sp.batch < 1) throw new ConfigException(where, "speed.batch", "must be at least 1, got " + sp.batch);
        require(sp.repeats, where, "speed.repeats");
        if (sp.repeats < 1) throw new ConfigException(where, "speed.repeats", "must be at least 1, got " + sp.repeats);
        require(sp.latencySamples, where, "speed.latency_samples");
        if (sp.latencySamples < 0) {
            throw new ConfigException(where, "speed.latency_samples", "must be at least 0, got " + sp.latencySamples);
        }
        require(sp.seed, where, "speed.seed");
        require(sp.foldBatchNorm, where, "speed.fold_batch_norm");
    }

    /** The {@code per_exit} block (method.md §7): controllers present and per-exit, values in range. */
    private static void checkPerExit(ExperimentConfig c, String where) {
        ExperimentConfig.PerExitConfig pe = c.perExit;
        if (c.data instanceof ExperimentConfig.CachedScores) {
            throw new ConfigException(where, "per_exit", "per-exit thresholds need per-exit outputs (data types "
                    + "outputs, fashion-mnist, wordnet), not cached scores");
        }
        require(pe.controllers, where, "per_exit.controllers");
        if (pe.controllers.isEmpty()) {
            throw new ConfigException(where, "per_exit.controllers", "expected at least one per-exit controller, e.g. "
                    + "pareto-ltt");
        }
        org.eennrc.risk.inject.ControllerRegistry registry = org.eennrc.core.Registry.current().controllers();
        for (int i = 0; i < pe.controllers.size(); i++) {
            String name = pe.controllers.get(i) == null ? "" : pe.controllers.get(i).trim();
            if (!registry.isPerExit(name)) {
                throw new ConfigException(where, "per_exit.controllers[" + i + "]", "\"" + name + "\" is not a per-exit"
                        + " controller; known: " + String.join(", ", registry.perExitNames()));
            }
            if (pe.controllers.subList(0, i).stream().anyMatch(n -> n != null && n.trim().equals(name))) {
                throw new ConfigException(where, "per_exit.controllers[" + i + "]", "\"" + name + "\" is listed twice");
            }
        }
        require(pe.grid, where, "per_exit.grid");
        for (double v : pe.grid.values()) {
            if (!(v >= 0 && v <= 1)) throw new ConfigException(where, "per_exit.grid", "value " + v + " is outside [0, 1]");
        }
        require(pe.configurations, where, "per_exit.configurations");
        if (pe.configurations < 1) {
            throw new ConfigException(where, "per_exit.configurations", "must be at least 1, got " + pe.configurations);
        }
        require(pe.splitFraction, where, "per_exit.split_fraction");
        if (!(pe.splitFraction > 0 && pe.splitFraction < 1)) {
            throw new ConfigException(where, "per_exit.split_fraction", "must be in (0, 1), got " + pe.splitFraction);
        }
        require(pe.seed, where, "per_exit.seed");
    }

    private static void checkClassNames(Map<String, String> m, String where, String key) {
        if (m == null) return;
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (e.getValue() == null || !e.getValue().matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
                throw new ConfigException(where, key + "." + e.getKey(), "expected a fully qualified class name, got " + quote(e.getValue()));
            }
        }
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }

    private static void require(Object v, String where, String key) {
        if (v == null) throw new ConfigException(where, key, "missing (required)");
    }

    /** {@code note} follows "file not found: PATH" (where the file was looked for, how to get it), or is empty. */
    private static void requireFile(Path p, String where, String key, String note) {
        require(p, where, key);
        if (!Files.exists(p)) throw new ConfigException(where, key, "file not found: " + p + note);
        if (Files.isDirectory(p)) throw new ConfigException(where, key, "is a folder, expected a file: " + p);
        if (!Files.isReadable(p)) throw new ConfigException(where, key, "permission denied: " + p);
    }

    private static void requireDir(Path p, String where, String key, String note) {
        require(p, where, key);
        if (!Files.isDirectory(p)) throw new ConfigException(where, key, "folder not found: " + p + note);
    }

    /** The names of every key path in a list (for messages); unused keys in lists of strings. */
    static List<String> names(List<String> l) {
        return l == null ? List.of() : new ArrayList<>(l);
    }
}
