package org.eennrc.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.ExitStage;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.StagedModel;
import org.eennrc.models.internal.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Where the time of a multi-exit ResNet goes, stage by stage, against where its multiply-adds go. Real early exit
 * can only reach the speedup that FLOPs predict (method.md §5) when each stage's share of the wall time is close to
 * its share of the MACs; this probe measures both for a configuration before anyone spends a training run on it.
 *
 * <p>It takes the stages that real early exit runs ({@link ExitStage}s of the predictor's {@link StagedModel}) of a
 * trained model ({@code --model DIR}) or of a randomly initialised one (architecture options as in
 * {@link TrainBench}), feeds each stage a full batch of its real input (what the earlier stages produce from random
 * images), and times {@link ExitStage#run} of each stage (trunk and exit head, as early exit calls it), interleaved,
 * best of {@code --repeats} rounds of {@code --iters} calls each. It prints, per stage, milliseconds per batch, the
 * time share and the MAC share ({@link ExitStage#trunkCost()} + {@link ExitStage#headCost()}), and their ratio.
 *
 * <p>{@code --detail} adds what else real early exit spends time on (issue 16): each stage's trunk alone and its exit
 * head (the difference), against the head's share of the stage's MACs; the compaction of survivors (the predictor's
 * {@code Batches.rows}, a pullRows, of every other row of what the stage passes on) and the concatenation that
 * regroups survivors of two batches; and the time per image of every stage at batch sizes {@code batch}, batch/2,
 * …, 1, the batch-size effect that survivors of early exit meet when they are not regrouped.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java $JOPTS -cp $CP org.eennrc.bench.StageShares \
 *      [--model DIR | --stem 32 --stem-stride 2 --widths 32,64,128,128 --strides 1,2,2,1 --blocks 1,1,1,1]
 *      [--batch 128] [--iters 20] [--repeats 5] [--detail]
 * </pre>
 */
public final class StageShares {
    private static final Set<String> OPTIONS = Args.known(Args.RESNET, "model", "batch", "iters", "repeats", "detail");

    private StageShares() {
    }

    public static void main(String[] argv) {
        Dl4jRuntime.configureProcess();
        Args a = new Args(argv, OPTIONS);
        int batch = a.getInt("batch", 128);
        int iters = a.getInt("iters", 20);
        int repeats = a.getInt("repeats", 5);
        if (batch < 1 || iters < 1 || repeats < 1) {
            throw new IllegalArgumentException("--batch, --iters and --repeats must be >= 1");
        }
        if (a.has("model") && Args.RESNET.stream().anyMatch(a::has)) {
            throw new IllegalArgumentException("--model takes the architecture of the saved model; "
                    + "give either --model or architecture options");
        }
        Dl4jRuntime.init();
        MultiExitResNetConfig config;
        ComputationGraph full;
        if (a.has("model")) {
            ModelIO.TrainedModel m = ModelIO.load(Path.of(a.get("model", "")));
            config = m.config();
            full = m.graph();
        } else {
            config = a.resnetConfig();
            full = MultiExitResNet.build(config);
        }
        System.out.println("[shares] " + config + ", batch " + batch);
        List<ExitStage> stages = MultiExitResNet.earlyExitModel(config, full).predictor().model().stages();
        int n = stages.size();

        // each stage's input: what the earlier stages produce from one batch of random images
        Nd4j.getRandom().setSeed(7);
        Map<String, INDArray> state = new HashMap<>();
        state.put(MultiExitResNet.INPUT,
                Nd4j.rand(DataType.FLOAT, batch, config.channels(), config.height(), config.width()));
        List<Map<String, INDArray>> inputs = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            Map<String, INDArray> in = new HashMap<>();
            for (String name : stages.get(s).inputs()) {
                in.put(name, state.get(name));
            }
            inputs.add(in);
            if (s + 1 < n) {
                for (Map.Entry<String, INDArray> e : stages.get(s).run(in, true, false).state().entrySet()) {
                    state.put(e.getKey(), e.getValue().dup());
                }
            }
        }
        double[] macs = new double[n];
        for (int s = 0; s < n; s++) {
            macs[s] = stages.get(s).trunkCost() + stages.get(s).headCost();
        }
        double macTotal = Arrays.stream(macs).sum();
        for (int s = 0; s < n; s++) { // warm-up
            for (int i = 0; i < 5; i++) {
                stages.get(s).run(inputs.get(s), s + 1 < n, true);
            }
        }
        double[] best = new double[n];
        Arrays.fill(best, Double.MAX_VALUE);
        for (int r = 0; r < repeats; r++) {
            for (int s = 0; s < n; s++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < iters; i++) {
                    stages.get(s).run(inputs.get(s), s + 1 < n, true);
                }
                best[s] = Math.min(best[s], (System.nanoTime() - t0) / 1e6 / iters);
            }
        }
        double timeTotal = Arrays.stream(best).sum();
        System.out.println("stage  ms/batch  time_share  mac_share  MACs(M)  time/mac_share");
        for (int s = 0; s < n; s++) {
            double ts = best[s] / timeTotal;
            double ms = macs[s] / macTotal;
            System.out.printf(Locale.ROOT, "%5d  %8.3f  %10.3f  %9.3f  %7.3f  %14.2f%n", s + 1, best[s], ts, ms,
                    macs[s] / 1e6, ts / ms);
        }
        System.out.printf(Locale.ROOT, "[shares] all stages %.3f ms per batch of %d = %.0f images/s%n", timeTotal,
                batch, batch * 1000.0 / timeTotal);
        if (a.flag("detail")) {
            detail(stages, inputs, batch, iters, repeats);
        }
    }

    /**
     * Where the rest of real early exit's time goes (issue 16): the exit heads (each stage timed with and without its
     * head), the compaction of the survivors ({@code Batches.rows}, the predictor's pullRows, of half the rows of
     * every array a stage passes on, and the concatenation of two such halves when survivors of two batches are
     * regrouped), and the batch-size effect on survivors (time per image of each stage at smaller batches).
     */
    private static void detail(List<ExitStage> stages, List<Map<String, INDArray>> inputs, int batch, int iters,
                               int repeats) {
        int n = stages.size();
        System.out.println("stage  trunk_ms  head_ms  head_share_of_stage_time  head_share_of_stage_MACs  "
                + "compact_half_ms  concat_halves_ms");
        int[] half = new int[batch / 2];
        for (int j = 0; j < half.length; j++) {
            half[j] = 2 * j; // every other row: a scattered survivor set, as real exits give
        }
        for (int s = 0; s < n; s++) {
            ExitStage st = stages.get(s);
            Map<String, INDArray> in = inputs.get(s);
            boolean state = s + 1 < n;
            // the last stage passes nothing on, so its trunk cannot be run without its head: n/a there
            double trunk = state ? best(() -> st.run(in, true, false), iters, repeats) : Double.NaN;
            double whole = best(() -> st.run(in, state, true), iters, repeats);
            double compact = Double.NaN;
            double concat = Double.NaN;
            if (state && half.length > 0) {
                Map<String, INDArray> produced = new HashMap<>();
                st.run(in, true, false).state().forEach((k, v) -> produced.put(k, v.dup()));
                System.out.println("  (stage " + (s + 1) + " passes on " + produced.keySet() + " of shapes "
                        + produced.values().stream().map(v -> Arrays.toString(v.shape())).toList() + ")");
                compact = best(() -> produced.values().forEach(x -> Batches.rows(x, half)), iters, repeats);
                Map<String, INDArray> halves = new HashMap<>();
                produced.forEach((k, v) -> halves.put(k, Batches.rows(v, half)));
                concat = best(() -> halves.values().forEach(x -> Nd4j.concat(0, x, x)), iters, repeats);
            }
            double head = whole - trunk;
            System.out.printf(Locale.ROOT, "%5d  %8.3f  %7.3f  %24.3f  %24.3f  %15.3f  %16.3f%n", s + 1, trunk, head,
                    head / whole, state ? st.headCost() / (st.trunkCost() + st.headCost()) : Double.NaN, compact,
                    concat);
        }
        List<Integer> sizes = new ArrayList<>();
        for (int b = batch; b >= 1; b /= 2) {
            sizes.add(b);
        }
        if (sizes.get(sizes.size() - 1) != 1) {
            sizes.add(1);
        }
        StringBuilder head = new StringBuilder("survivor batch size effect: microseconds per image (stage with head)\nstage");
        for (int b : sizes) {
            head.append(String.format(Locale.ROOT, "  %8s", "b=" + b));
        }
        System.out.println(head);
        for (int s = 0; s < n; s++) {
            ExitStage st = stages.get(s);
            boolean state = s + 1 < n;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%5d", s + 1));
            for (int b : sizes) {
                Map<String, INDArray> in = new HashMap<>();
                for (Map.Entry<String, INDArray> e : inputs.get(s).entrySet()) {
                    in.put(e.getKey(), e.getValue().get(NDArrayIndex.interval(0, b)).dup('c'));
                }
                for (int i = 0; i < 3; i++) {
                    st.run(in, state, true); // warm-up: oneDNN builds primitives per shape
                }
                int it = Math.max(iters, Math.min(20 * iters, iters * batch / b));
                double ms = best(() -> st.run(in, state, true), it, repeats);
                row.append(String.format(Locale.ROOT, "  %8.1f", ms * 1000 / b));
            }
            System.out.println(row);
        }
    }

    /** Best of {@code repeats} rounds of the mean milliseconds of {@code iters} calls. */
    private static double best(Runnable r, int iters, int repeats) {
        for (int i = 0; i < 3; i++) {
            r.run();
        }
        double best = Double.MAX_VALUE;
        for (int k = 0; k < repeats; k++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                r.run();
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e6 / iters);
        }
        return best;
    }
}
