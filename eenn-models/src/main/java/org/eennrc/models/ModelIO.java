package org.eennrc.models;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saving and loading trained models: {@code model.zip} (DL4J ModelSerializer format) next to
 * {@code model.properties} (the {@link MultiExitResNetConfig} and anything else worth recording). Every file is
 * written to a temporary name in the same directory and then renamed atomically.
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
            writeModelAtomically(graph, dir.resolve(MODEL_FILE), false);
            writePropertiesAtomically(p, dir.resolve(PROPERTIES_FILE), "eenn-rc multi-exit ResNet");
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

    public static void writeModelAtomically(ComputationGraph g, Path target, boolean saveUpdater) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        ModelSerializer.writeModel(g, tmp.toFile(), saveUpdater);
        move(tmp, target);
    }

    public static void writePropertiesAtomically(Properties p, Path target, String comment) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream o = Files.newOutputStream(tmp)) {
            p.store(o, comment);
        }
        move(tmp, target);
    }

    public static void writeStringAtomically(String s, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, s);
        move(tmp, target);
    }

    public static Properties readProperties(Path f) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        return p;
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
