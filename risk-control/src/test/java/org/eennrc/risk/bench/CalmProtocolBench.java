package org.eennrc.risk.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eennrc.risk.LossMatrix;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.io.MatrixFiles;
import org.eennrc.risk.protocol.EfficiencyTable;
import org.eennrc.risk.protocol.Protocol;
import org.eennrc.risk.protocol.ProtocolRow;
import org.eennrc.risk.protocol.ProtocolSettings;
import org.eennrc.risk.protocol.ProgressListener;
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
 * The CALM protocol of the paper (4 controllers: naive, CRC, UCB-WSR, LTT-FST; 19 ε; δ = 0.1), in process, on
 * the cached CNN/DailyMail scores. Data are loaded once in setup; the benchmark is the protocol itself.
 *
 * <pre>
 * mvn -B -q -pl risk-control test-compile &amp;&amp; mvn -B -q -pl risk-control dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp risk-control/target/test-classes:risk-control/target/classes:$(cat risk-control/target/cp.txt) \
 *     org.openjdk.jmh.Main CalmProtocolBench
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CalmProtocolBench {

    /** "100:50" is the paper's protocol, "1000:1000" the large one. */
    @Param({"100:50", "1000:1000"})
    public String nCalTrials;

    private LossMatrix losses;
    private EfficiencyTable efficiency;
    private List<RiskController> controllers;
    private ProtocolSettings settings;

    @Setup
    public void setup() throws Exception {
        Path dir = dataDir();
        losses = scoreGap(MatrixFiles.readMatrix(dir.resolve("rouge_l.npy")), 0);
        efficiency = EfficiencyTable.perLambda(MatrixFiles.readVector(dir.resolve("mean_exit_layer.npy")));
        controllers = ControllerRegistry.create().getAll(List.of("naive", "crc", "ucb-wsr", "ltt-fst"));
        String[] p = nCalTrials.split(":");
        settings = new ProtocolSettings(ProtocolSettings.parseGrid("0.01:0.19:0.01"), 0.1,
                Integer.parseInt(p[0]), Integer.parseInt(p[1]), 42);
    }

    @Benchmark
    public List<ProtocolRow> protocol() {
        return Protocol.run(losses, efficiency, controllers, settings, ProgressListener.NONE);
    }

    /**
     * The CALM data folder (docs/data.md): {@code -Dcalm.dir}, else {@code $EENN_CALM_DATA}, else the project's
     * default {@code data/calm-cnndm}, else the copy beside the repository on the project's machines.
     */
    static Path dataDir() {
        String env = System.getenv("EENN_CALM_DATA");
        for (String d : new String[] {System.getProperty("calm.dir", ""), env == null ? "" : env, "data/calm-cnndm",
                "../data/calm-cnndm", "../shared/data/calm-cnndm", "../../shared/data/calm-cnndm"}) {
            if (!d.isEmpty() && Files.isDirectory(Path.of(d))) return Path.of(d);
        }
        throw new IllegalStateException("CALM data not found: set EENN_CALM_DATA (or -Dcalm.dir) to the folder that"
                + " holds rouge_l.npy and mean_exit_layer.npy; docs/data.md says how to get them");
    }

    /** loss[k][j] = scores[ref][j] − scores[k][j], bound 1. */
    static LossMatrix scoreGap(double[][] scores, int ref) {
        double[][] l = new double[scores.length][scores[0].length];
        for (int k = 0; k < scores.length; k++) {
            for (int j = 0; j < scores[0].length; j++) l[k][j] = scores[ref][j] - scores[k][j];
        }
        return LossMatrix.of(l, 1);
    }

    /** Quick timing without JMH: {@code java ... CalmProtocolBench}. */
    public static void main(String[] args) throws Exception {
        CalmProtocolBench b = new CalmProtocolBench();
        for (String p : new String[] {"100:50", "1000:1000"}) {
            b.nCalTrials = p;
            b.setup();
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                b.protocol();
                System.out.printf("%s run %d: %.3f s%n", p, rep, (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
