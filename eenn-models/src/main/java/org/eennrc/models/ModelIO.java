package org.eennrc.models;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.eennrc.risk.io.AtomicFiles;

/**
 * Saving and loading trained models: {@code model.zip} (DL4J ModelSerializer format) next to
 * {@code model.properties} (the {@link MultiExitResNetConfig} and anything else worth recording), each written
 * atomically ({@link AtomicFiles}).
 */
public final class ModelIO {
    public static final String MODEL_FILE = "model.zip";
    public static final String PROPERTIES_FILE = "model.properties";

    private ModelIO() {
    }

    /** A trained graph and the configuration it was built from. */
    public record TrainedModel(MultiExitResNetConfig config, ComputationGraph graph, Properties properties) {
    }

    /** Writes {@code dir/model.zip} (without updater state) and {@code dir/model.properties}. */
    public static void save(Path dir, MultiExitResNetConfig config, ComputationGraph graph, Properties extra) {
        try {
            Files.createDirectories(dir);
            Properties p = new Properties();
            if (extra != null) {
                p.putAll(extra);
            }
            p.putAll(config.toProperties());
            AtomicFiles.write(dir.resolve(MODEL_FILE), out -> ModelSerializer.writeModel(graph, out, false));
            AtomicFiles.write(dir.resolve(PROPERTIES_FILE), out -> p.store(out, "eenn-rc multi-exit ResNet"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads a model from a directory holding {@code model.zip} and {@code model.properties}, or from a
     * {@code .zip} file with a {@code .properties} file of the same base name (a checkpoint) or a
     * {@code model.properties} beside it.
     */
    public static TrainedModel load(Path path) {
        Dl4jRuntime.init();
        Path zip;
        Path props;
        if (Files.isDirectory(path)) {
            zip = path.resolve(MODEL_FILE);
            props = path.resolve(PROPERTIES_FILE);
        } else {
            zip = path;
            String base = path.getFileName().toString().replaceFirst("\\.zip$", "");
            props = path.resolveSibling(base + ".properties");
            if (!Files.exists(props)) {
                props = path.resolveSibling(PROPERTIES_FILE);
            }
        }
        if (!Files.isRegularFile(zip) || !Files.isRegularFile(props)) {
            throw new IllegalArgumentException("no trained model at " + path + " (need " + zip + " and " + props + ")");
        }
        try {
            Properties p = readProperties(props);
            MultiExitResNetConfig c = MultiExitResNetConfig.fromProperties(p);
            ComputationGraph g = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
            return new TrainedModel(c, g, p);
        } catch (IOException e) {
            throw new UncheckedIOException("loading " + zip, e);
        }
    }

    public static Properties readProperties(Path f) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        return p;
    }
}
