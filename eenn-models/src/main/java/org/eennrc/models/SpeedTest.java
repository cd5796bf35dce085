package org.eennrc.models;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntFunction;

import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.models.data.ImageSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Wall-clock measurement of real early exit against the full model (method.md §5: the saving is only real if the
 * skipped stages are not run, and only worth having if the clock shows it). The FLOPs-predicted speedup is a
 * diagnostic; what a user gets is the measured one, which also pays for the exit heads, the confidence, regrouping
 * the survivors and the smaller batches the later stages see.
 *
 * <p>Throughput is the best of {@code repeats} passes over the whole evaluation set at one batch size, after a
 * warm-up pass of each path (oneDNN builds a primitive per input shape, so the first pass is not representative);
 * {@link #compare} alternates the full model and early exit within each repeat so that both meet the same machine
 * noise. Latency is the per-call wall time of single-example calls. Both come from {@link ExitResult#seconds()},
 * the predictor's own clock (input batches are built outside it).
 *
 * <pre>{@code
 * SpeedTest.Comparison c = SpeedTest.compare(model.predictor(), policy, SpeedTest.inputs(testImages), 128, 3, 300);
 * c.speedup();          // early exit's images/s over the full model's, at batch 128
 * c.latencySpeedup();   // the full model's median batch-1 latency over early exit's
 * }</pre>
 */
public final class SpeedTest {
    private SpeedTest() {
    }

    /** An evaluation set as the predictor reads it: batches of any size, and one example at a time. */
    public interface Inputs {
        /** The number of examples. */
        int size();

        /** The whole set in batches of {@code batchSize}, in order. */
        MultiDataSetIterator batches(int batchSize);

        /** Example {@code index} alone, as a batch of one. */
        MultiDataSetIterator single(int index);
    }

    /** The images of a set. */
    public static Inputs inputs(ImageSet set) {
        return of(set.size(), set::iterator, i -> set.range(i, i + 1).iterator(1));
    }

    /** Any set given by its size, a batch iterator factory and a single-example iterator factory. */
    public static Inputs of(int size, IntFunction<MultiDataSetIterator> batches, IntFunction<MultiDataSetIterator> single) {
        if (size < 1) {
            throw new IllegalArgumentException("the evaluation set is empty");
        }
        return new Inputs() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public MultiDataSetIterator batches(int batchSize) {
                return batches.apply(batchSize);
            }

            @Override
            public MultiDataSetIterator single(int index) {
                return single.apply(index);
            }
        };
    }

    /**
     * One path (the full model, or real early exit with a policy) timed.
     *
     * @param result          the last timed pass's answers (the predictions, exits and their timing)
     * @param imagesPerSecond examples per second at the batch size, best pass
     * @param medianMs        median batch-1 latency (NaN when no latency was measured)
     * @param p90Ms           90th percentile batch-1 latency
     * @param meanMs          mean batch-1 latency
     */
    public record Timing(ExitResult result, double imagesPerSecond, double medianMs, double p90Ms, double meanMs) {
    }

    /**
     * The full model against real early exit, measured in one session.
     *
     * @param batch          the throughput batch size
     * @param repeats        timed passes of each path (the best counts)
     * @param latencySamples the number of single-example calls per path
     */
    public record Comparison(Timing full, Timing earlyExit, int size, int batch, int repeats, int latencySamples) {
        /** Early exit's images/s over the full model's at {@link #batch()}. */
        public double speedup() {
            return earlyExit.imagesPerSecond() / full.imagesPerSecond();
        }

        /** The full model's median batch-1 latency over early exit's (NaN without latency samples). */
        public double latencySpeedup() {
            return full.medianMs() / earlyExit.medianMs();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "batch %d: full %.0f img/s, early exit %.0f img/s (%.2fx); batch 1 "
                            + "median: full %.2f ms, early exit %.2f ms (%.2fx); %d examples, best of %d, %d latency "
                            + "samples", batch, full.imagesPerSecond(), earlyExit.imagesPerSecond(), speedup(),
                    full.medianMs(), earlyExit.medianMs(), latencySpeedup(), size, repeats, latencySamples);
        }
    }

    /**
     * Times one path: the full model when {@code policy} is null, else real early exit with it.
     *
     * @param latencySamples single-example calls on the first examples of the set (0: no latency)
     */
    public static Timing time(EarlyExitPredictor p, ExitPolicy policy, Inputs in, int batch, int repeats,
                              int latencySamples) {
        check(batch, repeats, latencySamples);
        warmUp(p, policy, in, batch);
        double best = Double.MAX_VALUE;
        ExitResult r = null;
        for (int i = 0; i < repeats; i++) {
            r = run(p, policy, in.batches(batch));
            best = Math.min(best, r.seconds());
        }
        double[] ms = latencies(p, policy, in, latencySamples);
        return timing(r, in.size() / best, ms);
    }

    /**
     * Batch-1 latencies only: one path (the full model when {@code policy} is null) called on each of the first
     * {@code samples} examples alone. No warm-up: call it after the path has run on this input shape. The timing's
     * {@code result} is null and its images/s is 1000 / mean latency.
     */
    public static Timing latency(EarlyExitPredictor p, ExitPolicy policy, Inputs in, int samples) {
        check(1, 1, samples);
        double[] ms = latencies(p, policy, in, samples);
        return timing(null, 1000 / Arrays.stream(ms).average().orElse(Double.NaN), ms);
    }

    /**
     * The full model and real early exit with {@code policy}, alternated within each of {@code repeats} passes,
     * then batch-1 latencies of both on the same first {@code latencySamples} examples.
     */
    public static Comparison compare(EarlyExitPredictor p, ExitPolicy policy, Inputs in, int batch, int repeats,
                                     int latencySamples) {
        if (policy == null) {
            throw new IllegalArgumentException("compare needs a policy; time(p, null, ...) times the full model");
        }
        check(batch, repeats, latencySamples);
        warmUp(p, null, in, batch);
        warmUp(p, policy, in, batch);
        double bestFull = Double.MAX_VALUE;
        double bestEe = Double.MAX_VALUE;
        ExitResult full = null;
        ExitResult ee = null;
        for (int i = 0; i < repeats; i++) {
            full = run(p, null, in.batches(batch));
            ee = run(p, policy, in.batches(batch));
            bestFull = Math.min(bestFull, full.seconds());
            bestEe = Math.min(bestEe, ee.seconds());
        }
        double[] fullMs = latencies(p, null, in, latencySamples);
        double[] eeMs = latencies(p, policy, in, latencySamples);
        return new Comparison(timing(full, in.size() / bestFull, fullMs), timing(ee, in.size() / bestEe, eeMs),
                in.size(), batch, repeats, Math.min(latencySamples, in.size()));
    }

    private static void check(int batch, int repeats, int latencySamples) {
        if (batch < 1 || repeats < 1 || latencySamples < 0) {
            throw new IllegalArgumentException("batch and repeats must be at least 1 and latency samples at least 0, "
                    + "got " + batch + ", " + repeats + ", " + latencySamples);
        }
    }

    /** Every batch shape of the path once (the full set at the batch size, and a few single examples). */
    private static void warmUp(EarlyExitPredictor p, ExitPolicy policy, Inputs in, int batch) {
        run(p, policy, in.batches(batch));
        for (int i = 0; i < Math.min(20, in.size()); i++) {
            run(p, policy, in.single(i));
        }
    }

    private static double[] latencies(EarlyExitPredictor p, ExitPolicy policy, Inputs in, int n) {
        double[] ms = new double[Math.min(n, in.size())];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = run(p, policy, in.single(i)).seconds() * 1000;
        }
        return ms;
    }

    private static Timing timing(ExitResult r, double imagesPerSecond, double[] ms) {
        if (ms.length == 0) {
            return new Timing(r, imagesPerSecond, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] s = ms.clone();
        Arrays.sort(s);
        return new Timing(r, imagesPerSecond, s[s.length / 2], s[Math.min(s.length - 1, (int) Math.floor(0.9 * s.length))],
                Arrays.stream(ms).average().orElse(Double.NaN));
    }

    /**
     * The 1-minute load average of the machine ({@code /proc/loadavg}), or "unknown": recorded next to every
     * wall-clock figure, because a figure taken on a loaded machine is not comparable with one taken idle.
     */
    public static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static ExitResult run(EarlyExitPredictor p, ExitPolicy policy, MultiDataSetIterator data) {
        return policy == null ? p.fullModel(data) : p.predict(data, policy);
    }
}
