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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java $JOPTS -cp $CP org.eennrc.bench.StageShares \
 *      [--model DIR | --stem 32 --stem-stride 2 --widths 32,64,128,128 --strides 1,2,2,1 --blocks 1,1,1,1]
 *      [--batch 128] [--iters 20] [--repeats 5]
 * </pre>
 */
public final class StageShares {
    private static final Set<String> OPTIONS = Args.known(Args.RESNET, "model", "batch", "iters", "repeats");

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
    }
}
