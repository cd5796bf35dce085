package org.eennrc.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.eennrc.core.dense.DenseOutputsBuilder;
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
 * Streaming dense outputs (method.md §6): {@link DenseOutputsBuilder#add} of one image, i.e. validating every
 * probability, the image confidence at every exit and the five per-image losses, at the Fashion-MNIST-scenes size
 * (L = 4 exits, C = 11 classes, 64 × 64 pixels, 1 in 12 pixels ignored). The time per image bounds how much the
 * risk-control side adds to a streamed export (2,000 scenes).
 *
 * <pre>
 * mvn -B -o -q -pl benchmarks -am compile
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main DenseStreamBench \
 *     [-p confidence=top1:mean]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class DenseStreamBench {
    @Param({"top1:mean", "entropy:patch-8-4-0.1"})
    public String confidence;

    private static final int L = 4;
    private static final int C = 11;
    private static final int H = 64;
    private static final int W = 64;
    private static final int IMAGES = 16;

    private float[][][] probs;
    private int[][] truth;
    private DenseOutputsBuilder builder;
    private int next;

    @Setup
    public void setup() {
        Random r = new Random(1);
        int hw = H * W;
        probs = new float[IMAGES][L][C * hw];
        truth = new int[IMAGES][hw];
        for (int i = 0; i < IMAGES; i++) {
            for (int u = 0; u < hw; u++) truth[i][u] = r.nextInt(12) == 0 ? 255 : r.nextInt(C);
            for (int e = 0; e < L; e++) {
                for (int u = 0; u < hw; u++) {
                    double[] z = new double[C];
                    double s = 0;
                    for (int c = 0; c < C; c++) {
                        z[c] = Math.exp((c == truth[i][u] % C ? 1.0 + e : 0) + r.nextGaussian());
                        s += z[c];
                    }
                    for (int c = 0; c < C; c++) probs[i][e][c * hw + u] = (float) (z[c] / s);
                }
            }
        }
        builder = DenseOutputsBuilder.builder(L, C, H, W).confidence(confidence).build();
    }

    /** One image: validation, L confidences, the five losses. */
    @Benchmark
    public int addOneImage() {
        int i = next++ % IMAGES;
        builder.add(probs[i], truth[i]);
        return builder.numImages();
    }
}
