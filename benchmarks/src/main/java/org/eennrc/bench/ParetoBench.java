package org.eennrc.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.core.PerExitCalibrator;
import org.eennrc.core.Risks;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.perexit.ConfigurationStats;
import org.eennrc.risk.perexit.Configurations;
import org.eennrc.risk.perexit.ExitTables;
import org.eennrc.risk.perexit.ParetoTesting;
import org.eennrc.risk.perexit.PerExitProtocol;
import org.eennrc.risk.perexit.PerExitResult;
import org.eennrc.risk.protocol.ProgressListener;
import org.eennrc.risk.protocol.ProtocolRow;
import org.eennrc.risk.protocol.ProtocolSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-exit thresholds with Pareto Testing (method.md §7), issue 15's targets: calibrating {@code pareto-ltt} on
 * 10,000 samples, 4 exits and the 21³ = 9,261 configurations of the grid 0:1:0.05 in under 1 s ({@link #calibrate}:
 * the split, the risk and cost of every configuration on D_opt, the Pareto front, and the test along it at one ε),
 * and the 50-trial protocol (n_cal 1000, ε = 0.01 … 0.19) in under 30 s ({@link #protocol}). {@link #stats} is the
 * O(M · N · L) part alone on all N samples. The per-exit tables are built once in the setup from the outputs
 * ({@code -p outputs=FILE}, e.g. the Fashion-MNIST ResNet's exported test outputs: 10,000 samples, 4 exits), or from
 * synthetic outputs of that shape ({@code -p outputs=} empty, the default).
 *
 * <pre>
 * mvn -B -o -q -pl benchmarks -am compile
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main ParetoBench \
 *     [-p outputs=$HOME/.cache/eenn-rc/models/fashion-mnist-resnet-f7828cf0c8577f4e/outputs-test.npz]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class ParetoBench {
    /** An npz of per-exit outputs; empty for synthetic outputs of 10,000 samples, 4 exits and 10 classes. */
    @Param({""})
    public String outputs;
    @Param({"prediction-gap"})
    public String risk;
    @Param({"10000"})
    public int configurations;

    private ExitTables tables;
    private Configurations family;
    private ParetoTesting pareto;

    @Setup
    public void setup() throws IOException {
        ExitOutputs out;
        if (outputs == null || outputs.isEmpty()) {
            int n = 10_000;
            int l = 4;
            int c = 10;
            int[] labels = new int[n];
            float[] probs = LossMatrixBench.synthetic(n, l, c, labels, 42);
            out = ExitOutputs.builder(n, l, c).probsOwned(probs).labels(labels).flops(LossMatrixBench.flops(l)).build();
        } else {
            out = ExitOutputsNpz.read(Path.of(outputs));
        }
        tables = PerExitCalibrator.tables(out, Risks.byName(risk), ConfidenceMeasures.byName("max-softmax"));
        double[] grid = new double[21];
        for (int i = 0; i <= 20; i++) grid[i] = i / 20.0;
        family = Configurations.of(grid, tables.numExits(), configurations, 0);
        pareto = ControllerRegistry.create().perExit("pareto-ltt", 0.5, 0);
        System.out.printf("%nParetoBench: N=%d, L=%d, M=%d configurations (%s)%n", tables.numSamples(),
                tables.numExits(), family.size(), family.description());
    }

    /** One calibration on all N samples at ε = 0.05, δ = 0.1: the "under 1 s". */
    @Benchmark
    public PerExitResult calibrate() {
        return pareto.prepare(tables, family, 0.1).select(0.05);
    }

    /** The empirical risk and cost of every configuration on all N samples. */
    @Benchmark
    public ConfigurationStats stats() {
        return ConfigurationStats.of(tables, family);
    }

    /** The 50-trial protocol, n_cal 1000, ε = 0.01 … 0.19, δ = 0.1, seed 42: the "under 30 s". */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public List<ProtocolRow> protocol() {
        return PerExitProtocol.run(tables, family, List.of(pareto),
                new ProtocolSettings(ProtocolSettings.parseGrid("0.01:0.19:0.01"), 0.1, 1000, 50, 42),
                ProgressListener.NONE);
    }
}
