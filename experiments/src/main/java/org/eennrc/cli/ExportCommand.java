package org.eennrc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eennrc.core.ExitOutputs;
import org.eennrc.models.Exporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eenn export}: runs every exit of a trained model on a Fashion-MNIST split and writes the interchange npz. */
@Command(name = "export",
        header = "Run every exit of a trained model on a data split and write the interchange .npz.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Writes probs (N, L, C), labels, the cumulative FLOPs (multiply-adds) per exit, derived from the "
                    + "network configuration, and model_sha256 (the SHA-256 of the model file, which a policy "
                    + "calibrated on the outputs records so that 'eenn infer' refuses it on another model), in the "
                    + "format of docs/interchange-format.md, ready for 'eenn calibrate/protocol --outputs'.",
            ""},
        footer = {"", "Example:", "  eenn export --model runs/resnet --split test --out runs/resnet/test-outputs.npz"})
public final class ExportCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "PATH", required = true,
            description = "A training output folder (ResNet or transformer) or a ResNet checkpoint zip.")
    Path model;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Fashion-MNIST IDX files, or WordNet's dict folder for a transformer (default: the Debian package's).")
    Path dataDir;

    @Option(names = "--split", paramLabel = "NAME", defaultValue = "test",
            description = "test (the 10,000 test images, the pool for risk control), validation or train. "
                    + "Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--out", paramLabel = "FILE.npz", required = true,
            description = "Where to write the outputs (atomically). An existing file is replaced only with --force, "
                    + "and only if it is an npz archive.")
    Path out;

    @Option(names = "--force", description = "Replace an existing --out npz archive (e.g. an earlier export).")
    boolean force;

    @Option(names = "--fold-batch-norm",
            description = "Export the ResNet with batch norm folded into its convolutions (the form 'eenn infer "
                    + "--fold-batch-norm' runs), so that a policy calibrated on these outputs gives exactly the "
                    + "decisions of folded real early exit. Not for the transformer, which has no batch norm.")
    boolean foldBatchNorm;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Compute the outputs on Spark (e.g. local[2], yarn), partition by partition, and gather them "
                    + "into the same npz; ResNet only; needs the optional eenn-spark jar on the class path "
                    + "(docs/distributed.md).")
    String sparkMaster;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Exporter.Split s = ModelOptions.enumValue(Exporter.Split.class, split, "--split");
        Inputs.requireExists(model, "--model");
        if (!out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npz")) {
            throw new UsageException("--out " + out + ": the outputs are an npz archive; name the file *.npz");
        }
        Outputs.checkFile(out, force, "--out", Outputs::isNpz, "npz archive");
        if (foldBatchNorm && ModelOptions.isTransformer(model)) {
            throw new CliException("--fold-batch-norm: the transformer has no batch norm to fold; it applies to ResNet "
                    + "models");
        }
        if (sparkMaster != null && ModelOptions.isTransformer(model)) {
            throw new CliException("--spark: the transformer (a SameDiff network) cannot be exported on Spark; --spark "
                    + "exports DL4J ComputationGraph models such as the ResNet");
        }
        org.eennrc.cli.spi.SparkBackend spark = sparkMaster == null ? null : SparkRunner.backend();
        ExitOutputs o = ModelOptions.modelCall(() -> spark != null
                ? spark.exportResNet(sparkMaster, model, dataDir, s, out, foldBatchNorm)
                : ModelOptions.isTransformer(model)
                ? org.eennrc.models.text.TextPipeline.export(model, dataDir,
                        s.name().toLowerCase(java.util.Locale.ROOT), out, 256)
                : Exporter.export(model, dataDir, s, out, foldBatchNorm));
        ObjectNode j = Json.object();
        j.put("outputs", out.toString());
        j.put("samples", o.numSamples());
        j.put("exits", o.numExits());
        j.put("classes", o.numClasses());
        j.set("flops", Json.array(o.flops()));
        j.put("batch_norm_folded", foldBatchNorm);
        j.put("model_sha256", o.modelSha256());
        if (spark != null) j.put("spark_master", sparkMaster);
        if (!ModelOptions.isTransformer(model)) j.put("summary", Exporter.summary(o));
        spec.commandLine().getOut().println(Json.line(j));
        spec.commandLine().getOut().flush();
        return EennCli.EXIT_OK;
    }
}
