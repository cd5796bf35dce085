package org.eennrc.core.bench;

import java.util.Locale;
import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.LossMatrixBuilder;
import org.eennrc.core.Risk;
import org.eennrc.core.Risks;
import org.eennrc.risk.LossMatrix;

/**
 * Times building all five loss matrices (method.md §2) on realistic synthetic outputs, N = 50,000, L = 5, C = 1000
 * (issue 3: target under 2 s in total after warm-up). Not a unit test: run it by hand with ≥ 3 GB of heap,
 *
 * <pre>
 * mvn -q -o -pl risk-control,eenn-core -am install -DskipTests
 * mvn -q -o -pl eenn-core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/eenn-cp.txt
 * java -Xmx4g -cp eenn-core/target/test-classes:eenn-core/target/classes:$(cat /tmp/eenn-cp.txt) \
 *     org.eennrc.core.bench.LossMatrixBench [N L C] [measure]
 * </pre>
 *
 * The synthetic distributions are peaked like a real classifier's: each (sample, exit) puts a confidence t on
 * one class (the label with a probability that grows with depth) and spreads 1 − t over the other 999 classes.
 */
public final class LossMatrixBench {

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int l = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int c = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        ConfidenceMeasure measure = ConfidenceMeasures.byName(args.length > 3 ? args[3] : "max-softmax");
        System.out.printf(Locale.ROOT, "N=%d L=%d C=%d measure=%s heap=%.1f GiB cores=%d%n", n, l, c, measure.name(),
                Runtime.getRuntime().maxMemory() / (double) (1L << 30), Runtime.getRuntime().availableProcessors());

        long t0 = System.nanoTime();
        int[] labels = new int[n];
        float[] probs = synthetic(n, l, c, labels, 42);
        long t1 = System.nanoTime();
        ExitOutputs outputs = ExitOutputs.builder(n, l, c).probsOwned(probs).labels(labels)
                .flops(flops(l)).build();
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "generate %.0f ms; ExitOutputs (validate + one summary pass) %.0f ms%n",
                ms(t1 - t0), ms(t2 - t1));

        int warmups = 2;
        int reps = 5;
        double best = Double.MAX_VALUE;
        double sum = 0;
        for (int rep = 0; rep < warmups + reps; rep++) {
            StringBuilder line = new StringBuilder();
            long s = System.nanoTime();
            LossMatrixBuilder b = new LossMatrixBuilder(outputs, measure);
            long afterTable = System.nanoTime();
            line.append(String.format(Locale.ROOT, "confidences+exit table %.0f ms", ms(afterTable - s)));
            double check = 0;
            for (Risk r : Risks.all()) {
                long rs = System.nanoTime();
                LossMatrix m = b.build(r);
                check += m.mean(m.numLambdas() - 1);
                line.append(String.format(Locale.ROOT, ", %s %.0f ms", r.name(), ms(System.nanoTime() - rs)));
            }
            double total = ms(System.nanoTime() - s);
            boolean warm = rep >= warmups;
            if (warm) {
                best = Math.min(best, total);
                sum += total;
            }
            System.out.printf(Locale.ROOT, "%s %d: total %.0f ms (%s) [checksum %.6f]%n", warm ? "run" : "warm-up",
                    warm ? rep - warmups + 1 : rep + 1, total, line, check);
        }
        System.out.printf(Locale.ROOT, "all five loss matrices (101 x %d each): mean %.0f ms, best %.0f ms over %d runs%n",
                n, sum / reps, best, reps);
    }

    static double ms(long nanos) {
        return nanos / 1e6;
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
