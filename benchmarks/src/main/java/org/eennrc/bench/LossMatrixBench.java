package org.eennrc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.LossMatrixBuilder;
import org.eennrc.core.Risk;
import org.eennrc.core.Risks;
import org.eennrc.risk.LossMatrix;
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
 * Building the loss matrices of all five risks (method.md §2) from per-exit outputs, on realistic synthetic outputs:
 * by default N = 50,000, L = 5, C = 1000 (1 GB of float32 probabilities), max-softmax confidence, the standard
 * 101-value λ grid (issue 3: all five in under 2 s). The outputs are made once per trial; the benchmarks are
 * {@link #allFive()} (the target: confidences, exit table and the five matrices), {@link #exitTable()} (the
 * confidences and the exit table alone) and {@link #lossMatrix} (one risk, the exit table already built).
 *
 * <pre>
 * mvn -B -o -q -pl benchmarks -am compile
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main LossMatrixBench \
 *     [-p n=50000 -p l=5 -p c=1000 -p measure=max-softmax]
 * </pre>
 *
 * The synthetic distributions are peaked like a real classifier's: each (sample, exit) puts a confidence t on
 * one class (the label with a probability that grows with depth) and spreads 1 − t over the other C − 1 classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class LossMatrixBench {
    @Param({"50000"})
    public int n;
    @Param({"5"})
    public int l;
    @Param({"1000"})
    public int c;
    @Param({"max-softmax"})
    public String measure;

    private ExitOutputs outputs;
    private LossMatrixBuilder builder;

    /** One risk, by name. */
    @State(Scope.Benchmark)
    public static class OneRisk {
        @Param({"prediction-gap", "brier-gap", "prediction-consistency", "brier-consistency", "hellinger-consistency"})
        public String risk;
    }

    @Setup
    public void setup() {
        if (n < 1 || l < 1 || c < 2) {
            throw new IllegalArgumentException("need n >= 1, l >= 1, c >= 2; got n=" + n + " l=" + l + " c=" + c);
        }
        if ((long) n * l * c > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("n * l * c = " + (long) n * l * c + " probabilities do not fit in one "
                    + "Java array; lower n or c");
        }
        int[] labels = new int[n];
        float[] probs = synthetic(n, l, c, labels, 42);
        outputs = ExitOutputs.builder(n, l, c).probsOwned(probs).labels(labels).flops(flops(l)).build();
        builder = new LossMatrixBuilder(outputs, ConfidenceMeasures.byName(measure));
    }

    /** Confidences, exit table and all five loss matrices: the target. */
    @Benchmark
    public List<LossMatrix> allFive() {
        LossMatrixBuilder b = new LossMatrixBuilder(outputs, ConfidenceMeasures.byName(measure));
        List<LossMatrix> out = new ArrayList<>();
        for (Risk r : Risks.all()) {
            out.add(b.build(r));
        }
        return out;
    }

    /** The confidences of every (sample, exit) and the exit table. */
    @Benchmark
    public LossMatrixBuilder exitTable() {
        return new LossMatrixBuilder(outputs, ConfidenceMeasures.byName(measure));
    }

    /** One risk's loss matrix from a built exit table. */
    @Benchmark
    public LossMatrix lossMatrix(OneRisk r) {
        return builder.build(Risks.byName(r.risk));
    }

    static double[] flops(int l) {
        double[] f = new double[l];
        for (int e = 0; e < l; e++) f[e] = 4.0e9 * (e + 1) / l;
        return f;
    }

    /** Peaked distributions; a fast xorshift keeps generation of 250 M values to about a second. */
    static float[] synthetic(int n, int l, int c, int[] labels, long seed) {
        float[] p = new float[n * l * c];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < n; i++) {
            x = xs(x);
            labels[i] = (int) ((x >>> 11) % c);
            double difficulty = u(x = xs(x));
            for (int e = 0; e < l; e++) {
                double depth = (e + 1.0) / l;
                boolean right = u(x = xs(x)) < 0.35 + 0.5 * depth * (1 - 0.5 * difficulty);
                int top = right ? labels[i] : (int) (((x = xs(x)) >>> 11) % c);
                double t = Math.min(0.999, 0.05 + 0.9 * Math.pow(u(x = xs(x)), 1.5 - depth) * (right ? 1 : 0.7));
                int off = (i * l + e) * c;
                double rest = 0;
                for (int j = 0; j < c; j++) {
                    x = xs(x);
                    float w = (float) u(x);
                    w = w * w * w;
                    p[off + j] = w;
                    if (j != top) rest += w;
                }
                float scale = (float) ((1 - t) / rest);
                for (int j = 0; j < c; j++) p[off + j] *= scale;
                p[off + top] = (float) t;
                // the top class must stay the largest
                for (int j = 0; j < c; j++) if (j != top && p[off + j] >= p[off + top]) p[off + j] = p[off + top] * 0.5f;
            }
        }
        return p;
    }

    private static long xs(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    private static double u(long x) {
        return (x >>> 11) * 0x1.0p-53;
    }
}
