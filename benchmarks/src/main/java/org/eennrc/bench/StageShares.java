package org.eennrc.bench;

import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.ModelIO;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.StageGraphs;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where the time of a multi-exit ResNet goes, stage by stage, against where its multiply-adds go. Real early exit
 * can only reach the speedup that FLOPs predict when each stage's share of the wall time is close to its share of
 * the MACs; this probe measures both for a configuration before anyone spends a training run on it.
 *
 * <p>It builds the per-stage inference graphs ({@link StageGraphs#split}) of a trained model ({@code --model DIR})
 * or of a randomly initialised one (architecture flags as in {@link TrainBench}), feeds each stage a full batch of
 * its real input (the previous stage's trunk output), and times the stages interleaved, best of {@code --repeats}
 * rounds of {@code --iters} calls each. It prints, per stage, milliseconds per batch, the time share and the MAC
 * share (trunk + head), and the ratio of the two.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java $JOPTS -cp $CP org.eennrc.models.bench.StageShares \
 *      [--model DIR | --stem 32 --stem-stride 2 --widths 32,64,128,128 --strides 1,2,2,1 --blocks 1,1,1,1]
 *      [--fold] [--batch 128] [--iters 20] [--repeats 5]
 * </pre>
 */
public final class StageShares {
    private StageShares() {
    }

    public static void main(String[] argv) {
        Dl4jRuntime.init();
        Args a = new Args(argv);
        boolean fold = a.flag("fold");
        int batch = a.getInt("batch", 128);
        int iters = a.getInt("iters", 20);
        int repeats = a.getInt("repeats", 5);
        MultiExitResNetConfig config;
        ComputationGraph full;
        if (a.has("model")) {
            ModelIO.TrainedModel m = ModelIO.load(java.nio.file.Path.of(a.get("model", "")));
            config = m.config();
            full = m.graph();
        } else {
            config = a.resnetConfig();
            full = MultiExitResNet.build(config);
        }
        System.out.println("[shares] " + config + (fold ? " (batch norm folded)" : "") + ", batch " + batch);
        List<ComputationGraph> stages = StageGraphs.split(config, full, fold);
        int n = stages.size();
        INDArray[] inputs = new INDArray[n];
        Nd4j.getRandom().setSeed(7);
        inputs[0] = Nd4j.rand(DataType.FLOAT, batch, config.channels(), config.height(), config.width());
        for (int s = 0; s + 1 < n; s++) {
            inputs[s + 1] = stages.get(s).output(false, inputs[s])[0].dup();
        }
        MultiExitResNet.Flops f = MultiExitResNet.flops(config);
        double[] macs = new double[n];
        double macTotal = 0;
        for (int s = 0; s < n; s++) {
            macs[s] = f.trunk()[s] + f.head()[s];
            macTotal += macs[s];
        }
        for (int s = 0; s < n; s++) { // warm-up
            for (int i = 0; i < 5; i++) {
                stages.get(s).output(false, inputs[s]);
            }
        }
        double[] best = new double[n];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int r = 0; r < repeats; r++) {
            for (int s = 0; s < n; s++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < iters; i++) {
                    stages.get(s).output(false, inputs[s]);
                }
                best[s] = Math.min(best[s], (System.nanoTime() - t0) / 1e6 / iters);
            }
        }
        double timeTotal = java.util.Arrays.stream(best).sum();
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
