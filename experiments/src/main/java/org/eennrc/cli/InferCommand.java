package org.eennrc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eennrc.core.ExitPolicy;
import org.eennrc.models.EarlyExitRunner;
import org.eennrc.models.Exporter;
import org.eennrc.models.ModelIO;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.models.text.BlockModel;
import org.eennrc.models.text.EncodedTexts;
import org.eennrc.models.text.TextPipeline;
import org.eennrc.models.text.TextTrainer;
import org.eennrc.models.text.WordNetGlosses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eenn infer --policy FILE}: real early exit with a calibrated policy. Stages run one after the other and
 * the samples that exit are removed from the batch, so the layers they skip are not computed.
 */
@Command(name = "infer",
        header = "Real early-exit inference with a calibrated policy: predictions, exit histogram, throughput.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Applies the threshold and confidence measure of a policy saved by 'eenn calibrate --save-policy' "
                    + "to a trained model, stage by stage with sub-batch compaction (samples that exit are not "
                    + "computed further). Prints one JSON line: samples, accuracy, mean exit layer, exit histogram, "
                    + "samples_per_second (and the full model's with --compare-full). Works on a ResNet or a "
                    + "transformer training folder (detected from its files).",
            ""},
        footer = {"", "Example:",
            "  eenn infer --model runs/resnet --policy policy.json --split test --batch-size 128 --compare-full"})
public final class InferCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "PATH", required = true,
            description = "A training output folder or a checkpoint zip.")
    Path model;

    @Option(names = "--policy", paramLabel = "FILE", required = true, description = "A saved exit policy (JSON).")
    Path policyFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Fashion-MNIST IDX files (default: the Debian package's).")
    Path dataDir;

    @Option(names = "--split", paramLabel = "NAME", defaultValue = "test",
            description = "test, validation or train. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "128", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N samples of the split.")
    Integer limit;

    @Option(names = "--compare-full", description = "Also time the full model (every stage) on the same samples.")
    boolean compareFull;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Inputs.atLeast(batchSize, 1, "--batch-size");
        Inputs.atLeast(limit, 1, "--limit");
        Exporter.Split s = ModelOptions.enumValue(Exporter.Split.class, split, "--split");
        Inputs.requireFile(policyFile, "--policy");
        Inputs.requireExists(model, "--model");
        ExitPolicy policy;
        try {
            policy = ExitPolicy.load(policyFile);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("--policy " + policyFile + ": " + Inputs.messageOf(e), e);
        }
        ObjectNode o = ModelOptions.modelCall(() -> ModelOptions.isTransformer(model) ? inferTransformer(policy, s)
                : inferResNet(policy, s));
        spec.commandLine().getOut().println(Json.line(o));
        spec.commandLine().getOut().flush();
        return EennCli.EXIT_OK;
    }

    /** Real early exit block by block on WordNet glosses (the texts still running are re-batched per block). */
    private ObjectNode inferTransformer(ExitPolicy policy, Exporter.Split s) {
        TextTrainer.Trained t = TextTrainer.load(model);
        if (policy.numExits() != t.config().numExits()) {
            throw new IllegalArgumentException("policy was calibrated for " + policy.numExits()
                    + " exits but the model has " + t.config().numExits());
        }
        TextPipeline.Data d = TextPipeline.prepare(dataDir, t.tokenizer(), 0, 0, WordNetGlosses.DEFAULT_SPLIT_SEED);
        EncodedTexts texts = d.split(s.name().toLowerCase(java.util.Locale.ROOT));
        if (limit != null) texts = texts.head(Math.min(limit, texts.size()));
        BlockModel bm = t.blockModel();
        BlockModel.Result r = bm.earlyExit(texts, policy.lambda(), ConfidenceMeasures.byName(policy.confidence()),
                batchSize);
        int[] labels = texts.labels();
        ObjectNode j = summary(policy, labels.length, r.predictions(), r.exits(), labels, r.seconds(), r.numExits());
        if (compareFull) {
            BlockModel.Result full = bm.fullModel(texts, batchSize);
            Json.put(j, "full_model_samples_per_second", full.textsPerSecond());
            Json.put(j, "full_model_accuracy", accuracy(full.predictions(), labels));
            Json.put(j, "speedup", full.seconds() / r.seconds());
        }
        return j;
    }

    private static ObjectNode summary(ExitPolicy policy, int n, int[] predictions, int[] exits, int[] labels,
                                      double seconds, int numExits) {
        ObjectNode j = Json.object();
        j.put("samples", n);
        Json.put(j, "lambda", policy.lambda());
        j.put("confidence", policy.confidence());
        Json.put(j, "accuracy", accuracy(predictions, labels));
        int[] hist = new int[numExits];
        double sum = 0;
        for (int e : exits) {
            hist[e]++;
            sum += e + 1;
        }
        Json.put(j, "mean_exit_layer", sum / exits.length);
        j.set("exit_histogram", Json.MAPPER.valueToTree(hist));
        Json.put(j, "seconds", seconds);
        Json.put(j, "samples_per_second", n / seconds);
        return j;
    }

    private static double accuracy(int[] predictions, int[] labels) {
        int c = 0;
        for (int i = 0; i < labels.length; i++) if (predictions[i] == labels[i]) c++;
        return (double) c / labels.length;
    }

    /** Real early exit stage by stage on Fashion-MNIST images (sub-batch compaction). */
    private ObjectNode inferResNet(ExitPolicy policy, Exporter.Split s) {
        ModelIO.TrainedModel m = ModelIO.load(model);
        FashionMnist d = FashionMnist.load(dataDir,
                Integer.parseInt(m.properties().getProperty("train.validationSize",
                        Integer.toString(FashionMnist.DEFAULT_VALIDATION_SIZE))),
                Long.parseLong(m.properties().getProperty("train.splitSeed",
                        Long.toString(FashionMnist.DEFAULT_SPLIT_SEED))));
        ImageSet data = switch (s) {
            case TEST -> d.test();
            case VALIDATION -> d.validation();
            case TRAIN -> d.train();
        };
        if (limit != null) {
            int[] first = new int[Math.min(limit, data.size())];
            for (int i = 0; i < first.length; i++) first[i] = i;
            data = data.subset(first);
        }
        EarlyExitRunner runner = new EarlyExitRunner(m.config(), m.graph());
        EarlyExitRunner.Result r = runner.run(policy, data, batchSize);
        int[] labels = data.labels();
        ObjectNode j = summary(policy, data.size(), r.predictions(), r.exits(), labels, r.seconds(), r.numExits());
        if (compareFull) {
            EarlyExitRunner.Result full = runner.runFullModel(data, batchSize);
            Json.put(j, "full_model_samples_per_second", full.imagesPerSecond());
            Json.put(j, "full_model_accuracy", accuracy(full.predictions(), labels));
            Json.put(j, "speedup", full.seconds() / r.seconds());
        }
        return j;
    }
}
