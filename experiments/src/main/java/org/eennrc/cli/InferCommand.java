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
                    + "images/s (and the full model's images/s with --compare-full).",
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
        if (batchSize < 1) throw new CliException("--batch-size must be at least 1, got " + batchSize);
        Exporter.Split s = ModelOptions.enumValue(Exporter.Split.class, split, "--split");
        Inputs.requireFile(policyFile, "--policy");
        Inputs.requireExists(model, "--model");
        ExitPolicy policy;
        try {
            policy = ExitPolicy.load(policyFile);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("--policy " + policyFile + ": " + Inputs.messageOf(e), e);
        }
        ObjectNode o = ModelOptions.modelCall(() -> {
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
            ObjectNode j = Json.object();
            j.put("samples", data.size());
            Json.put(j, "lambda", policy.lambda());
            j.put("confidence", policy.confidence());
            Json.put(j, "accuracy", r.accuracy(data.labels()));
            Json.put(j, "mean_exit_layer", r.meanExitLayer());
            j.set("exit_histogram", Json.MAPPER.valueToTree(r.exitHistogram()));
            Json.put(j, "seconds", r.seconds());
            Json.put(j, "images_per_second", r.imagesPerSecond());
            if (compareFull) {
                EarlyExitRunner.Result full = runner.runFullModel(data, batchSize);
                Json.put(j, "full_model_images_per_second", full.imagesPerSecond());
                Json.put(j, "full_model_accuracy", full.accuracy(data.labels()));
                Json.put(j, "speedup", full.seconds() / r.seconds());
            }
            return j;
        });
        spec.commandLine().getOut().println(Json.line(o));
        spec.commandLine().getOut().flush();
        return EennCli.EXIT_OK;
    }
}
