package org.eennrc.experiments.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.seg.MultiExitSegNetConfig;
import org.eennrc.models.seg.SegTrainer;
import org.eennrc.models.text.TransformerConfig;
import org.eennrc.models.train.TrainConfig;

/**
 * One experiment, as written in a YAML (or JSON) config file: the data, the model and its training (for model
 * experiments), the confidence measure, the risks, the controllers and the evaluation protocol. Keys are
 * snake_case; every section rejects unknown keys. Read with {@link ConfigLoader}, which also resolves relative
 * paths (data paths against the {@link DataDir data folder} when the config names one, everything else against the
 * config file's folder) and checks that input files exist.
 *
 * <p>See {@code docs/user-guide.md} ("Config reference") for every key.
 */
public final class ExperimentConfig {
    /** Experiment name; the default report folder is {@code reports/<name>}. */
    public String name;
    /** One line on what the experiment shows (goes into report.md). */
    public String description;
    /** Where the outputs or losses come from. */
    public DataConfig data;
    /** The folder that relative {@code data} paths are resolved against (optional; default: the config's folder). */
    public DataDir dataDir;
    /** The network (model experiments only). */
    public ModelConfig model;
    /**
     * How to train it (model experiments only): the library's training record, read directly (unset keys: its
     * {@code defaults()}). For Fashion-MNIST the loader sets its split from {@code data.validation_size} and
     * {@code data.split_seed}.
     */
    public TrainConfig training;
    /** Confidence measure name (max-softmax, top-diff, entropy, provided); outputs and model experiments. */
    public String confidence;
    /** Risk names (method.md §2); for cached scores, {@code score-gap}. */
    public List<String> risks;
    /** Controller names, in the order they are reported (see {@code eenn controllers}). */
    public List<String> controllers;
    /** Extra controllers by name: {@code my-name: com.example.MyController} (a RiskController on the classpath). */
    public Map<String, String> customControllers = new LinkedHashMap<>();
    /** Extra upper bounds by name: {@code bern: com.example.MyBound} gives the controller {@code ucb-bern}. */
    public Map<String, String> customBounds = new LinkedHashMap<>();
    /** The threshold grid for outputs and model experiments (cached scores bring their own). */
    public LambdaGridConfig lambdaGrid = new LambdaGridConfig();
    /** The evaluation protocol (method.md §5). */
    public ProtocolConfig protocol;
    /**
     * Per-exit controllers (method.md §7) run next to {@code controllers} on the same splits; outputs and model
     * experiments only. Absent: none.
     */
    public PerExitConfig perExit;
    /**
     * Measure real early exit against the full model for the report (models trained here; method.md §5): one
     * policy certified on half of the exported split, timed on the other half. Absent: not measured.
     */
    public SpeedConfig speed;

    /** The file this config was read from (set by the loader, not a key). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public transient Path source;
    /** The raw text of the file (copied into reports). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public transient String text;

    /**
     * A data folder outside the config: data that may not be copied into the repository (the CALM scores, whose
     * release states no license) lives in a folder each user fills once, named by an environment variable, with a
     * default inside the project that git ignores. Relative paths under {@code data} are resolved against it.
     */
    public static final class DataDir {
        /** An environment variable naming the folder (relative: against the working directory); wins when set. */
        public String env;
        /** The folder when {@code env} is unset or absent; relative to the config file. */
        public Path path;
        /** How to get the data files: shown when the folder or one of the files is missing. */
        public String help;
        /** The folder the loader chose (set by the loader, not a key). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public transient Path resolved;
        /** Why that folder: the variable, or the default because the variable is unset (set by the loader). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public transient String origin;
    }

    /** Threshold grid 1 → 0 in {@code size} evenly spaced values (101: step 0.01). */
    public static final class LambdaGridConfig {
        public int size = 101;
    }

    /** The protocol of method.md §5. */
    public static final class ProtocolConfig {
        /** ε values: {@code 0.01:0.19:0.01}, a number or a list. */
        public Values.Grid epsilons;
        public Double delta = 0.1;
        /** Calibration set size(s); one protocol run per value. */
        public Values.IntList nCal;
        public Integer trials = 50;
        public Long seed = 42L;
        /**
         * What the efficiency columns measure for outputs and model experiments: {@code compute} (FLOPs when the
         * outputs carry them, else the exit index) or {@code exit-layer} (the 1-based exit layer).
         */
        public String efficiency = "compute";
        /**
         * Also evaluate the permutation baselines of method.md §6 at every selected threshold (random exits with the
         * same distribution, the exits permuted across samples, one constant exit of about the same cost).
         */
        public Boolean baselines = false;
    }

    /** Per-exit thresholds certified by Pareto Testing (method.md §7). */
    public static final class PerExitConfig {
        /** Per-exit controller names: {@code pareto-ltt}, {@code pareto-ltt-<procedure>[-<p-value>]}. */
        public List<String> controllers;
        /** The values each exit's threshold takes: {@code start:stop:step} or a comma list, in [0, 1]. */
        public Values.Grid grid = Values.Grid.parse("0:1:0.05");
        /** The product of the grid when it has at most this many configurations, else a sample of this many. */
        public Integer configurations = 10_000;
        /** The fraction of each calibration set that chooses the Pareto front. */
        public Double splitFraction = 0.5;
        /** The seed of the split and of the sampled configurations. */
        public Long seed = 0L;
    }

    /**
     * The {@code speed} block: the operating point whose real early exit is timed against the full model (the
     * figure a user deploys), and how it is timed ({@link org.eennrc.models.SpeedTest}).
     */
    public static final class SpeedConfig {
        /** The risk the policy certifies. */
        public String risk = "prediction-gap";
        /** A controller with one shared threshold (not per-exit). */
        public String controller = "crc";
        public Double epsilon = 0.05;
        /** Unset: {@code protocol.delta}. */
        public Double delta;
        /** Batch size of the throughput measurement. */
        public Integer batch = 128;
        /** Timed passes of each path over the test half; the best counts. */
        public Integer repeats = 3;
        /** Single-image calls of each path for the batch-1 latency (0: none). */
        public Integer latencySamples = 300;
        /** Seed of the calibration/test halves. */
        public Long seed = 1L;
        /**
         * Also time the model with batch norm folded into its convolutions (the deployment form, calibrated on its
         * own outputs).
         */
        public Boolean foldBatchNorm = true;
    }

    /** Where the data comes from; {@code type} picks the kind. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = CachedScores.class, name = CachedScores.TYPE),
        @JsonSubTypes.Type(value = Outputs.class, name = Outputs.TYPE),
        @JsonSubTypes.Type(value = FashionMnist.class, name = FashionMnist.TYPE),
        @JsonSubTypes.Type(value = WordNet.class, name = WordNet.TYPE),
        @JsonSubTypes.Type(value = FashionScenes.class, name = FashionScenes.TYPE)})
    public abstract static sealed class DataConfig permits CachedScores, Outputs, FashionMnist, WordNet, FashionScenes {
        public abstract String type();
    }

    /** Per-threshold scores of a model run at every λ (the CALM data): loss = scores[reference_row] − scores[k]. */
    public static final class CachedScores extends DataConfig {
        public static final String TYPE = "cached-scores";
        /** (K, N) scores in [0, 1], row k = λ_k from 1 downwards (.npy or .csv). */
        public Path scores;
        public Integer referenceRow = 0;
        /** Cost per threshold (K,) or per threshold and sample (K, N). */
        public Path efficiency;
        /** Axis label of the efficiency, e.g. "mean exit layer". */
        public String efficiencyLabel = "mean exit layer";
        /** The λ grid (K,), optional. */
        public Path lambdas;
        /** Upper bound B of the score gap. */
        public Double bound = 1.0;

        @Override
        public String type() {
            return TYPE;
        }
    }

    /** Per-exit outputs in the interchange .npz format (docs/interchange-format.md). */
    public static final class Outputs extends DataConfig {
        public static final String TYPE = "outputs";
        public Path path;

        @Override
        public String type() {
            return TYPE;
        }
    }

    /** Fashion-MNIST IDX files; the model is trained on the training split and calibrated on {@code split}. */
    public static final class FashionMnist extends DataConfig {
        public static final String TYPE = "fashion-mnist";
        public Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        /** Images held out of training for validation (unset: {@link TrainConfig#defaults()}). */
        public Integer validationSize;
        /** Seed of that split (unset: {@link TrainConfig#defaults()}). */
        public Long splitSeed;
        /** Which images are exported and used for calibration/test: {@code test} (10,000) or {@code validation}. */
        public String split = "test";

        @Override
        public String type() {
            return TYPE;
        }
    }

    /**
     * Fashion-MNIST scenes (docs/data.md): the segmentation network is trained on scenes of the training split's
     * items and calibrated and tested on {@code scenes} scenes of the test split's items. Scenes are made from their
     * seeds on the fly.
     */
    public static final class FashionScenes extends DataConfig {
        public static final String TYPE = "fashion-scenes";
        public Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        /** Training scenes per epoch (every epoch has fresh ones). */
        public Integer trainScenes = 8000;
        /** Validation scenes (from the items held out of the training split), for per-epoch pixel accuracy. */
        public Integer validationScenes = 500;
        /** Calibration + test scenes (from the test split's items). */
        public Integer scenes = 2000;
        /** Seeds of the training, validation and calibration/test scenes. */
        public Long trainSeed = 1L;
        public Long validationSeed = 2L;
        public Long seed = 3L;
        /** Intensity threshold (of 255) above which an item's pixel is the item. */
        public Integer threshold = org.eennrc.models.data.FashionScenes.DEFAULT_THRESHOLD;
        /** Images held out of the training split for validation scenes (unset: {@link TrainConfig#defaults()}). */
        public Integer validationSize;
        /** Seed of that split (unset: {@link TrainConfig#defaults()}). */
        public Long splitSeed;
        /** Scenes per inference batch when the outputs are streamed. */
        public Integer batchSize = 100;
        /**
         * How an image's per-pixel confidence is aggregated to one number (eenn-core's dense confidence grammar, e.g.
         * {@code top1:mean}); the experiment's {@code confidence} is then {@code provided}.
         */
        public String confidence = "top1:mean";
        /** Scenes drawn in the report's picture grid. */
        public Integer pictures = 6;

        @Override
        public String type() {
            return TYPE;
        }
    }

    /** WordNet definitions for the language model of issue 5. */
    public static final class WordNet extends DataConfig {
        public static final String TYPE = "wordnet";
        public Path dir = Path.of("/usr/share/wordnet");
        /** Held-out test glosses used for calibration/test: the first N of the test split (0: all of them). */
        public Integer evalSize = 0;
        /** eenn-models' split by synset offset; only its default seed is supported (unset: that seed). */
        public Long splitSeed;

        @Override
        public String type() {
            return TYPE;
        }
    }

    /**
     * The network of a model experiment: {@code type} picks the architecture, {@code cache_dir} where trained models
     * are kept; every other key is a key of the architecture's configuration record, read directly (unset keys: its
     * {@code defaults()}).
     */
    @JsonDeserialize(using = ModelConfig.Reader.class)
    public static final class ModelConfig {
        /** {@code multi-exit-resnet}, {@code multi-exit-transformer} or {@code multi-exit-segnet}. */
        public String type;
        /** Where trained models are cached, one folder per config hash; default ~/.cache/eenn-rc/models. */
        public Path cacheDir;
        /** The network when {@code type} is {@code multi-exit-resnet}, else null. */
        public MultiExitResNetConfig resnet;
        /** The network when {@code type} is {@code multi-exit-transformer}, else null. */
        public TransformerConfig transformer;
        /** The network when {@code type} is {@code multi-exit-segnet}, else null. */
        public MultiExitSegNetConfig segnet;
        /** The pretrained MiniLM-L6 with its exits when {@code type} is {@code minilm}, else null. */
        public org.eennrc.models.text.MiniLmConfig minilm;
        /** How the MiniLM's exits are trained ({@code recipe: frozen} or {@code deebert}; default frozen). */
        public org.eennrc.models.text.MiniLmTrainer.Recipe recipe;

        /** Number of exits of the configured network. */
        public int numExits() {
            return resnet != null ? resnet.numExits() : segnet != null ? segnet.numExits()
                    : minilm != null ? minilm.numExits() : transformer.numExits();
        }

        /** Takes out {@code type} and {@code cache_dir}, then reads the rest as the record {@code type} names. */
        static final class Reader extends JsonDeserializer<ModelConfig> {
            private static final String TYPES = ModelIO.RESNET + ", " + ModelIO.TRANSFORMER + ", " + SegTrainer.TYPE
                    + " or " + org.eennrc.models.text.MiniLmTrainer.TYPE;

            @Override
            public ModelConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                JsonNode n = ctxt.readTree(p);
                if (!n.isObject()) {
                    throw MismatchedInputException.from(p, ModelConfig.class, "expected a mapping of keys");
                }
                ObjectNode rest = ((ObjectNode) n).deepCopy();
                JsonNode type = rest.remove("type");
                JsonNode cache = rest.remove("cache_dir");
                ModelConfig m = new ModelConfig();
                if (cache != null && !cache.isNull()) {
                    if (!cache.isTextual()) throw problem(p, "cache_dir", "expected a folder path (a string), got " + ConfigLoader.show(cache));
                    m.cacheDir = Path.of(cache.textValue());
                }
                if (type == null || type.isNull()) throw problem(p, "type", "missing (required); expected " + TYPES);
                m.type = type.asText();
                switch (m.type) {
                    case ModelIO.RESNET -> m.resnet = ctxt.readTreeAsValue(rest, MultiExitResNetConfig.class);
                    case ModelIO.TRANSFORMER -> m.transformer = ctxt.readTreeAsValue(rest, TransformerConfig.class);
                    case SegTrainer.TYPE -> m.segnet = ctxt.readTreeAsValue(rest, MultiExitSegNetConfig.class);
                    case org.eennrc.models.text.MiniLmTrainer.TYPE -> {
                        JsonNode recipe = rest.remove("recipe");
                        m.recipe = org.eennrc.models.text.MiniLmTrainer.Recipe.FROZEN;
                        if (recipe != null && !recipe.isNull()) {
                            if (!recipe.isTextual() || !List.of("frozen", "deebert").contains(recipe.textValue())) {
                                throw problem(p, "recipe", "expected frozen or deebert, got " + ConfigLoader.show(recipe));
                            }
                            m.recipe = ctxt.readTreeAsValue(recipe, org.eennrc.models.text.MiniLmTrainer.Recipe.class);
                        }
                        m.minilm = ctxt.readTreeAsValue(rest, org.eennrc.models.text.MiniLmConfig.class);
                    }
                    default -> throw problem(p, "type", "unknown type " + ConfigLoader.show(type) + "; expected " + TYPES);
                }
                return m;
            }

            private static JsonMappingException problem(JsonParser p, String key, String message) {
                JsonMappingException e = JsonMappingException.from(p, message);
                e.prependPath(ModelConfig.class, key);
                return e;
            }
        }
    }
}
