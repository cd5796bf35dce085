package org.eennrc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.SettingException;
import org.eennrc.models.text.TextPipeline;
import org.eennrc.models.text.TextTrainer;
import org.eennrc.models.text.TransformerConfig;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eenn train}: trains the multi-exit ResNet on Fashion-MNIST, with checkpoints and {@code --resume}. */
@Command(name = "train",
        header = "Train the multi-exit ResNet (Fashion-MNIST) or transformer (WordNet); checkpoints, --resume.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains the default multi-exit ResNet (4 stages, an exit after each) on Fashion-MNIST with the joint, "
                    + "equally weighted exit loss. Progress (images/s, time left) and per-exit validation accuracy "
                    + "go to stderr; a checkpoint is written atomically after every epoch, and --resume continues "
                    + "from the last one. The final model goes to --out; one JSON summary line goes to stdout.",
            ""},
        footer = {"", "Example:", "  eenn train --out runs/resnet --epochs 3",
            "  eenn train --out runs/resnet --resume      # after an interruption"})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Training output folder.")
    Path out;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "resnet",
            description = "resnet (Fashion-MNIST) or transformer (WordNet glosses, 6 blocks; run the JVM with "
                    + "JAVA_OPTS=\"-Xmx3g -Dorg.bytedeco.javacpp.maxbytes=3g -Dorg.bytedeco.javacpp.maxphysicalbytes=4g\"). "
                    + "Default: ${DEFAULT-VALUE}.")
    String modelName;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist, apt-get install "
                    + "dataset-fashion-mnist), or for the transformer WordNet's dict folder (default "
                    + "/usr/share/wordnet, apt-get install wordnet-base).")
    Path dataDir;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the TrainConfig default).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "Training batch size.")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate.")
    Double learningRate;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "adam, nesterov or sgd.")
    String optimizer;

    @Option(names = "--schedule", paramLabel = "NAME", description = "constant, cosine or step.")
    String schedule;

    @Option(names = "--max-train-images", paramLabel = "N", description = "Use only the first N training images.")
    Integer maxTrainImages;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the weights and of the batch order.")
    Long seed;

    @Option(names = "--resume", description = "Continue from --out/checkpoints/LAST.")
    boolean resume;

    @Option(names = "--force",
            description = "Train again into an --out folder that holds an earlier training run (its files are "
                    + "overwritten; a folder with other files is still refused).")
    boolean force;

    @Option(names = "--tiny", description = "A tiny network (for smoke tests).")
    boolean tiny;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Train the ResNet data-parallel on Spark (e.g. local[2], yarn, k8s://https://HOST:443) with "
                    + "DL4J's parameter averaging; needs the optional eenn-spark jar on the class path "
                    + "(docs/distributed.md). --batch-size is then the batch of each worker.")
    String sparkMaster;

    @Option(names = "--averaging-frequency", paramLabel = "K", defaultValue = "5",
            description = "With --spark: steps each worker takes between two parameter averagings. "
                    + "Default: ${DEFAULT-VALUE}.")
    int averagingFrequency;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        boolean transformer = switch (modelName.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "resnet" -> false;
            case "transformer" -> true;
            default -> throw new CliException("--model: unknown model '" + modelName + "'; known: resnet, transformer");
        };
        TrainConfig cfg = trainConfig();
        if (sparkMaster != null && transformer) {
            throw new CliException("--spark: the transformer (a SameDiff network) cannot be trained on Spark; --spark "
                    + "trains DL4J ComputationGraph models such as the ResNet");
        }
        if (averagingFrequency < 1) {
            throw new UsageException("--averaging-frequency must be >= 1, got " + averagingFrequency);
        }
        org.eennrc.cli.spi.SparkBackend spark = sparkMaster == null ? null : SparkRunner.backend();
        Outputs.checkTrainingFolder(out, resume, force, "--out");
        MultiExitResNetConfig base = tiny ? MultiExitResNetConfig.tiny() : MultiExitResNetConfig.defaults();
        MultiExitResNetConfig model = seed == null ? base : base.toBuilder().seed(seed).build();
        PrintStream progress = System.err;
        ObjectNode o = Json.object();
        java.util.List<TrainingListener.EpochSummary> history;
        if (transformer) {
            TransformerConfig d = TransformerConfig.defaults();
            TransformerConfig tc = seed == null ? d : d.withSeed(seed);
            TextTrainer.Result r = ModelOptions.modelCall(() ->
                    TextPipeline.train(dataDir, out, tc, cfg, resume, TextTrainer.printing(progress)));
            o.put("model", "transformer");
            o.put("model_dir", r.outDir().toString());
            o.put("epochs_completed", r.completedEpochs());
            o.put("finished", r.finished());
            Json.put(o, "wall_seconds", r.wallSeconds());
            Json.put(o, "train_texts_per_second", r.trainTextsPerSecond());
            history = r.history();
        } else {
            Trainer.TrainResult r = ModelOptions.modelCall(() -> spark == null
                    ? Trainer.train(model, cfg, dataDir, out, resume, TrainingListener.printing(progress, "img"))
                    : spark.trainResNet(sparkMaster, averagingFrequency, model, cfg, dataDir, out, resume,
                            TrainingListener.printing(progress, "img")));
            o.put("model", "resnet");
            if (spark != null) o.put("spark_master", sparkMaster);
            o.put("model_dir", r.outDir().toString());
            o.put("epochs_completed", r.completedEpochs());
            o.put("finished", r.finished());
            Json.put(o, "wall_seconds", r.wallSeconds());
            Json.put(o, "train_images_per_second", r.trainImagesPerSecond());
            history = r.history();
        }
        if (!history.isEmpty()) {
            o.set("validation_accuracy_per_exit", Json.array(history.get(history.size() - 1).validationAccuracy()));
        }
        spec.commandLine().getOut().println(Json.line(o));
        spec.commandLine().getOut().flush();
        return EennCli.EXIT_OK;
    }

    /** The options of each training setting, by the setting's key: a value the record refuses is named by its option. */
    private static final Map<String, String> OPTIONS = Map.of("training.epochs", "--epochs",
            "training.batch_size", "--batch-size", "training.learning_rate", "--lr",
            "training.max_train_images", "--max-train-images");
    /** Counts below their minimum are usage errors (exit 2); other refused values are invalid input (exit 1). */
    private static final Set<String> COUNTS = Set.of("--epochs", "--batch-size", "--max-train-images");

    /**
     * The options on top of {@link TrainConfig#defaults()}. The record checks every value; its refusal is reported
     * under the option's name.
     */
    private TrainConfig trainConfig() {
        TrainConfig.Builder b = TrainConfig.builder();
        if (epochs != null) b.epochs(epochs);
        if (batchSize != null) b.batchSize(batchSize);
        if (learningRate != null) b.learningRate(learningRate);
        if (optimizer != null) b.optimizer(ModelOptions.enumValue(TrainConfig.Optimizer.class, optimizer, "--optimizer"));
        if (schedule != null) b.schedule(ModelOptions.enumValue(TrainConfig.Schedule.class, schedule, "--schedule"));
        if (maxTrainImages != null) b.maxTrainImages(maxTrainImages);
        if (seed != null) b.seed(seed);
        try {
            return b.build();
        } catch (SettingException e) {
            String option = OPTIONS.get(e.key());
            String message = (option != null ? option : e.key()) + " " + e.problem();
            throw COUNTS.contains(option) ? new UsageException(message) : new CliException(message, e);
        }
    }
}
