package org.eennrc.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.eennrc.models.train.Checkpoints;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.risk.io.AtomicFiles;
import org.eennrc.risk.provenance.Provenance;

/**
 * Saving and loading trained models: the network file ({@code model.zip}, DL4J ModelSerializer format, for the
 * ResNet; {@code model.sd} for the transformer) next to {@code model.json}, which says what the network is and how it
 * was trained:
 *
 * <pre>{@code
 * {"type": "multi-exit-resnet", "model": {...}, "training": {...}, "trained": {"epochs": 4, "iterations": 1720}}
 * }</pre>
 *
 * {@code model} and {@code training} are the configuration records as JSON ({@link SettingsJson}; a key a file lacks
 * takes the record's default). Every file is written atomically ({@link AtomicFiles}). Folders saved by versions
 * before {@code model.json} hold {@code model.properties} instead; they are refused with a message saying to retrain.
 */
public final class ModelIO {
    public static final String MODEL_FILE = "model.zip";
    /** The configuration of a saved model. */
    public static final String CONFIG_FILE = "model.json";
    /** {@code type} of the built-in ResNet. */
    public static final String RESNET = "multi-exit-resnet";
    /** {@code type} of the built-in transformer. */
    public static final String TRANSFORMER = "multi-exit-transformer";
    /** What versions before {@code model.json} wrote. */
    private static final String OLD_CONFIG_FILE = "model.properties";
    private static final ObjectMapper JSON = SettingsJson.mapper();

    private ModelIO() {
    }

    /** A trained ResNet, the configuration it was built from and the settings it was trained with. */
    public record TrainedModel(MultiExitResNetConfig config, ComputationGraph graph, TrainConfig training) {
    }

    /** How far a saved model was trained. */
    public record Trained(int epochs, long iterations) {
    }

    /** What {@code model.json} holds, with the model's configuration as the record {@code M}. */
    public record Description<M>(String type, M model, TrainConfig training, Trained trained) {
    }

    /** Writes {@code dir/model.zip} (without updater state) and {@code dir/model.json}. */
    public static void save(Path dir, MultiExitResNetConfig config, ComputationGraph graph, TrainConfig training,
                            Trained trained) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(MODEL_FILE), out -> ModelSerializer.writeModel(graph, out, false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeDescription(dir, new Description<>(RESNET, config, training, trained));
    }

    /** The provenance of a trained model, beside it. */
    public static final String PROVENANCE_FILE = "provenance.json";

    /**
     * Writes {@code dir/provenance.json}: the project's one provenance record (the tool's version and commit, Java,
     * OS, seed, start and end), with what the training did: the model type, epochs and iterations, time and speed.
     */
    public static void writeProvenance(Path dir, Provenance.Builder provenance, Description<?> d,
                                       org.eennrc.models.train.EarlyExitTrainer.Result run) {
        try {
            provenance.seed(d.training().seed())
                    .detail("model_type", d.type())
                    .detail("epochs_trained", d.trained().epochs())
                    .detail("iterations_trained", d.trained().iterations())
                    .detail("train_seconds_this_run", run.wallSeconds())
                    .detail("train_samples_per_second", run.trainSamplesPerSecond())
                    .finish().write(dir.resolve(PROVENANCE_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + dir.resolve(PROVENANCE_FILE), e);
        }
    }

    /** Writes {@code dir/model.json} atomically. */
    public static void writeDescription(Path dir, Description<?> d) {
        try {
            byte[] text = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(d);
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(CONFIG_FILE), out -> out.write(text));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + dir.resolve(CONFIG_FILE), e);
        }
    }

    /**
     * Reads {@code dir/model.json}, which must describe a model of {@code type}.
     *
     * @throws IllegalArgumentException if the file is missing (saying so when the folder was saved by an older
     *                                  version), describes another type, or holds a bad key or value (named)
     */
    public static <M> Description<M> readDescription(Path dir, String type, Class<M> modelType) {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            if (Files.isRegularFile(dir.resolve(OLD_CONFIG_FILE))) {
                throw new IllegalArgumentException(dir + " was saved by an older version of eenn-rc ("
                        + OLD_CONFIG_FILE + ", no " + CONFIG_FILE + "); train the model again with this version");
            }
            throw new IllegalArgumentException("no trained model at " + dir + " (no " + CONFIG_FILE + ")");
        }
        try {
            JsonNode doc = JSON.readTree(file.toFile());
            if (doc == null || !doc.isObject()) {
                throw new IllegalArgumentException(file + ": expected a JSON object");
            }
            String found = doc.path("type").asText("");
            if (!type.equals(found)) {
                throw new IllegalArgumentException(file + ": type: expected \"" + type + "\", got \"" + found + "\"");
            }
            ObjectNode rest = ((ObjectNode) doc).deepCopy();
            rest.remove("type");
            return describe(file, type, rest, modelType);
        } catch (JsonProcessingException e) { // not JSON at all
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    private static <M> Description<M> describe(Path file, String type, ObjectNode doc, Class<M> modelType) {
        M model = part(file, doc, "model", modelType);
        TrainConfig training = part(file, doc, "training", TrainConfig.class);
        Trained trained = part(file, doc, "trained", Trained.class);
        if (!doc.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + doc.fieldNames().next() + ": unknown key; expected type,"
                    + " model, training, trained");
        }
        return new Description<>(type, model, training, trained);
    }

    /** Reads and removes {@code doc.key}; a problem is reported with its key path. */
    private static <T> T part(Path file, ObjectNode doc, String key, Class<T> type) {
        JsonNode n = doc.remove(key);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException(file + ": " + key + ": missing");
        }
        try {
            return JSON.treeToValue(n, type);
        } catch (JsonProcessingException e) {
            SettingException s = SettingException.causeOf(e);
            if (s != null) {
                throw new IllegalArgumentException(file + ": " + s.getMessage(), e);
            }
            StringBuilder path = new StringBuilder(key);
            if (e instanceof JsonMappingException m) {
                for (JsonMappingException.Reference r : m.getPath()) {
                    path.append(r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]");
                }
            }
            throw new IllegalArgumentException(file + ": " + path + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Loads a ResNet from a directory holding {@code model.zip} and {@code model.json}, or from a checkpoint
     * ({@code checkpoints/epoch-NNNN.zip}, whose JSON beside it names the configuration).
     */
    public static TrainedModel load(Path path) {
        Dl4jRuntime.init();
        try {
            if (Files.isDirectory(path)) {
                Path zip = path.resolve(MODEL_FILE);
                Description<MultiExitResNetConfig> d = readDescription(path, RESNET, MultiExitResNetConfig.class);
                if (!Files.isRegularFile(zip)) {
                    throw new IllegalArgumentException("no trained model at " + path + " (no " + MODEL_FILE + ")");
                }
                return new TrainedModel(d.model(), ModelSerializer.restoreComputationGraph(zip.toFile(), false),
                        d.training());
            }
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("no trained model at " + path);
            }
            JsonNode ck;
            try {
                ck = Checkpoints.read(path);
            } catch (IOException e) {
                throw new IllegalArgumentException("no trained model at " + path + " (a checkpoint needs its .json"
                        + " beside it: " + e.getMessage() + ")", e);
            }
            ObjectNode doc = ck.deepCopy();
            Path json = path.resolveSibling(path.getFileName().toString().replaceFirst("\\.zip$", "") + ".json");
            MultiExitResNetConfig c = part(json, doc, "identity", MultiExitResNetConfig.class);
            TrainConfig t = part(json, doc, "settings", TrainConfig.class);
            return new TrainedModel(c, ModelSerializer.restoreComputationGraph(path.toFile(), false), t);
        } catch (IOException e) {
            throw new UncheckedIOException("loading " + path, e);
        }
    }
}
