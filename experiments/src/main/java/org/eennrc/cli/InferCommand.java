package org.eennrc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.EarlyExitModel;
import org.eennrc.models.EarlyExitPredictor;
import org.eennrc.models.Exporter;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.data.ImageSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
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
 *
 * <p>Before running, the policy is verified ({@link ExitPolicy.Loaded#problems}): it is refused (exit 1) when its
 * content does not match its checksum (edited), when it is a version-1 policy (no checksum), when it is infeasible
 * (nothing certified), when it was certified on another model's outputs (the SHA-256 of the model file differs), and
 * when it is for another number of exits. {@code --accept-unverified-policy} runs it anyway (except for the number of
 * exits, which cannot run), saying so on stderr and in the JSON line.
 */
@Command(name = "infer",
        header = "Real early-exit inference with a calibrated policy: predictions, exit histogram, throughput.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Applies the threshold and confidence measure of a policy saved by 'eenn calibrate --save-policy' "
                    + "to a trained model, stage by stage with sub-batch compaction (samples that exit are not "
                    + "computed further). Prints one JSON line: samples, accuracy, mean exit layer, exit histogram, "
                    + "mean_cost and full_model_cost (multiply-adds per sample, counted from the graph), "
                    + "samples_per_second (and the full model's with --compare-full), batch_norm_folded, "
                    + "policy_verified, model_sha256. Works on a ResNet or a transformer training folder (detected "
                    + "from its files).",
            "",
            "The policy is verified first, and refused (exit 1) when its content does not match its checksum "
                    + "(it was edited), when it is a version-1 policy (no checksum), when it is infeasible (nothing "
                    + "was certified: no early exit to run), when it was certified on another model (the SHA-256 of "
                    + "the model file differs from the one its calibration outputs were exported from) or when it "
                    + "is for another number of exits. A policy calibrated on outputs without a model hash (e.g. "
                    + "from PyTorch) cannot be checked against the model: a warning.",
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

    @Option(names = "--fold-batch-norm",
            description = "Run the ResNet with batch norm folded into its convolutions: faster, the same probabilities "
                    + "up to float rounding. Calibrate the policy on outputs of the folded model (as exported by "
                    + "'eenn export --fold-batch-norm'): with a policy calibrated on unfolded "
                    + "outputs, decisions may differ on borderline samples whose confidence lies within float rounding "
                    + "of the threshold. Not for the transformer, which has no batch norm.")
    boolean foldBatchNorm;

    @Option(names = "--accept-unverified-policy",
            description = "Run a policy that failed verification (edited, version 1, infeasible, or certified on "
                    + "another model) anyway. Its certificate does not hold for this run: the problems are printed "
                    + "on stderr and the JSON line records policy_verified false, override and policy_problems.")
    boolean acceptUnverified;

    /** The option's name, as recorded in the JSON line when it was used. */
    static final String OVERRIDE = "--accept-unverified-policy";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Inputs.atLeast(batchSize, 1, "--batch-size");
        Inputs.atLeast(limit, 1, "--limit");
        Exporter.Split s = ModelOptions.enumValue(Exporter.Split.class, split, "--split");
        Inputs.requireFile(policyFile, "--policy");
        Inputs.requireExists(model, "--model");
        ExitPolicy.Loaded loaded;
        try {
            loaded = ExitPolicy.read(policyFile);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("--policy " + policyFile + ": " + Inputs.messageOf(e), e);
        }
        String modelSha256 = modelSha256();
        List<String> problems = loaded.problems(modelSha256);
        PrintWriter err = spec.commandLine().getErr();
        for (String w : loaded.warnings(modelSha256)) {
            err.println("eenn infer: warning: --policy " + policyFile + ": " + w);
        }
        if (!problems.isEmpty() && !acceptUnverified) {
            throw new CliException("--policy " + policyFile + ": refused: " + String.join("; and ", problems)
                    + ". Calibrate a policy on outputs exported from this model, or pass " + OVERRIDE
                    + " to run it without its guarantee");
        }
        for (String p : problems) {
            err.println("eenn infer: warning: " + OVERRIDE + ": running the policy although " + p);
        }
        err.flush();
        ExitPolicy policy = loaded.policy();
        ObjectNode o = ModelOptions.modelCall(() -> infer(policy, s));
        o.put("policy_verified", problems.isEmpty());
        if (!problems.isEmpty()) {
            o.put("override", OVERRIDE);
            o.set("policy_problems", Json.MAPPER.valueToTree(problems));
        }
        o.put("model_sha256", modelSha256);
        spec.commandLine().getOut().println(Json.line(o));
        spec.commandLine().getOut().flush();
        return EennCli.EXIT_OK;
    }

    /** The SHA-256 of the model file this command loads ({@link Exporter#modelFile}). */
    private String modelSha256() {
        Path file = Exporter.modelFile(model);
        if (!Files.isRegularFile(file)) {
            throw new CliException("--model " + model + ": no trained model (no " + file.getFileName() + ")");
        }
        try {
            return Exporter.modelSha256(model);
        } catch (UncheckedIOException e) {
            throw new CliException("--model " + model + ": " + Inputs.messageOf(e.getCause()), e);
        }
    }

    /** A model ready for inference, the data it runs on, and their labels. */
    private record Prepared(EarlyExitModel model, MultiDataSetIterator data, int[] labels) {}

    /** Real early exit with the generic predictor, on whichever built-in model the folder holds. */
    private ObjectNode infer(ExitPolicy policy, Exporter.Split s) {
        boolean transformer = ModelOptions.isTransformer(model);
        if (transformer && foldBatchNorm) {
            throw new CliException("--fold-batch-norm: the transformer has no batch norm to fold; it applies to ResNet "
                    + "models");
        }
        Prepared p = transformer ? transformer(s) : resNet(s);
        if (policy.numExits() != p.model().numExits()) {
            throw new CliException("--policy " + policyFile + ": refused: it was calibrated for " + policy.numExits()
                    + " exits, but the model " + model + " has " + p.model().numExits());
        }
        EarlyExitPredictor predictor = p.model().predictor();
        ExitResult r = predictor.predict(p.data(), policy);
        ObjectNode j = Json.object();
        j.put("samples", r.size());
        Json.put(j, "lambda", policy.lambda()); // null for a per-exit policy
        j.set("thresholds", Json.array(policy.thresholds()));
        j.put("confidence", policy.confidence());
        Json.put(j, "accuracy", r.accuracy(p.labels()));
        Json.put(j, "mean_exit_layer", r.meanExitLayer());
        j.set("exit_histogram", Json.MAPPER.valueToTree(r.exitHistogram()));
        Json.put(j, "mean_cost", r.meanCost(p.model().cumulativeCost()));
        Json.put(j, "full_model_cost", p.model().fullModelCost());
        j.put("batch_norm_folded", foldBatchNorm);
        Json.put(j, "seconds", r.seconds());
        Json.put(j, "samples_per_second", r.samplesPerSecond());
        if (compareFull) {
            ExitResult full = predictor.fullModel(p.data());
            Json.put(j, "full_model_samples_per_second", full.samplesPerSecond());
            Json.put(j, "full_model_accuracy", full.accuracy(p.labels()));
            Json.put(j, "speedup", full.seconds() / r.seconds());
        }
        return j;
    }

    /** The transformer of a training folder and a WordNet split, tokenized as it was trained. */
    private Prepared transformer(Exporter.Split s) {
        TextTrainer.Trained t = TextTrainer.load(model);
        TextPipeline.Data d = TextPipeline.prepare(dataDir, t.tokenizer(), 0, 0, WordNetGlosses.DEFAULT_SPLIT_SEED);
        EncodedTexts texts = d.split(s.name().toLowerCase(java.util.Locale.ROOT));
        if (limit != null) texts = texts.head(Math.min(limit, texts.size()));
        return new Prepared(t.earlyExitModel(), texts.iterator(batchSize), texts.labels());
    }

    /** The ResNet of a training folder and the Fashion-MNIST split it was trained with. */
    private Prepared resNet(Exporter.Split s) {
        ModelIO.TrainedModel m = ModelIO.load(model);
        ImageSet data = Exporter.fashionMnistSplit(m, dataDir, s);
        if (limit != null) data = data.range(0, Math.min(limit, data.size()));
        ComputationGraphModel cg = MultiExitResNet.earlyExitModel(m.config(), m.graph());
        return new Prepared(foldBatchNorm ? cg.withFoldedBatchNorm() : cg, data.iterator(batchSize), data.labels());
    }
}
