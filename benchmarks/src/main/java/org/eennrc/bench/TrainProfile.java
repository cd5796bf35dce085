package org.eennrc.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.SpeedTest;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;

/**
 * Where a DL4J training step of the multi-exit ResNet spends its time (issue 16: training reaches about half of
 * PyTorch's images/s on the same network; show where the time goes). Two measurements on real Fashion-MNIST batches
 * after {@code --warmup} steps, each over {@code --batches} batches:
 * <ol>
 *   <li>the step split: forward in training mode ({@code feedForward(x, true)}), forward + backward
 *       ({@code computeGradientAndScore}), and the whole {@code fit} (forward, backward and the Adam update), mean
 *       milliseconds per batch; backward = (forward + backward) − forward, update = fit − (forward + backward);</li>
 *   <li>ND4J's op profiler over the fit steps ({@code --ops}): the share of time per op kind and per op (conv2d,
 *       conv2d_bp, batchnorm, …), with the profiler's own overhead, so only the shares mean something.</li>
 * </ol>
 * The PyTorch side prints the same split ({@code benchmarks/python/resnet_bench.py --profile}).
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 java $JOPTS -cp $CP org.eennrc.bench.TrainProfile [--data-dir DIR]
 *      [--batch 128] [--warmup 5] [--batches 30] [--ops] [--widths 32,64,128,256] [--strides 1,2,2,1] [--stem 32] ...
 * </pre>
 */
public final class TrainProfile {
    private static final Set<String> OPTIONS = Args.known(Args.RESNET, "data-dir", "batch", "warmup", "batches", "ops");

    private TrainProfile() {
    }

    public static void main(String[] argv) {
        Dl4jRuntime.configureProcess();
        Args a = new Args(argv, OPTIONS);
        Dl4jRuntime.init();
        MultiExitResNetConfig cfg = a.resnetConfig();
        int batch = a.getInt("batch", 128);
        int warmup = a.getInt("warmup", 5);
        int n = a.getInt("batches", 30);
        if (batch < 1 || warmup < 0 || n < 1) {
            throw new IllegalArgumentException("--batch and --batches must be >= 1, --warmup >= 0");
        }
        FashionMnist data = FashionMnist.load(a.has("data-dir") ? Path.of(a.get("data-dir", "")) : null);
        ImageSet train = data.train();
        ComputationGraph g = MultiExitResNet.build(cfg);
        int outputs = g.getNumOutputArrays();
        System.out.printf(Locale.ROOT, "[train-profile] %s; %s; batch %d, %d warm-up steps, %d timed batches; load %s%n",
                Dl4jRuntime.describe(), cfg, batch, warmup, n, SpeedTest.loadAverage());
        List<MultiDataSet> batches = new ArrayList<>();
        int[] order = FashionMnist.permutation(train.size(), 5);
        for (int b = 0; b < warmup + n; b++) {
            int from = (b * batch) % (train.size() - batch);
            INDArray x = train.features(order, from, from + batch);
            INDArray y = train.oneHot(order, from, from + batch);
            INDArray[] ys = new INDArray[outputs];
            Arrays.fill(ys, y);
            batches.add(new MultiDataSet(new INDArray[] {x}, ys));
        }
        for (int b = 0; b < warmup; b++) {
            g.fit(batches.get(b));
        }
        double ff = 0;
        double grad = 0;
        double fit = 0;
        for (int b = warmup; b < warmup + n; b++) {
            MultiDataSet mds = batches.get(b);
            long t0 = System.nanoTime();
            g.feedForward(mds.getFeatures(), true, true);
            long t1 = System.nanoTime();
            g.setInputs(mds.getFeatures());
            g.setLabels(mds.getLabels());
            g.computeGradientAndScore();
            long t2 = System.nanoTime();
            g.fit(mds);
            long t3 = System.nanoTime();
            ff += (t1 - t0) / 1e6;
            grad += (t2 - t1) / 1e6;
            fit += (t3 - t2) / 1e6;
        }
        ff /= n;
        grad /= n;
        fit /= n;
        System.out.printf(Locale.ROOT, "[train-profile] per batch of %d (mean of %d): forward (training mode) %.1f ms, "
                        + "forward+backward %.1f ms -> backward %.1f ms, fit %.1f ms -> update and bookkeeping %.1f ms; "
                        + "fit = %.0f images/s%n", batch, n, ff, grad, grad - ff, fit, fit - grad, batch * 1000 / fit);
        System.out.printf(Locale.ROOT, "[train-profile] RESULT forward_ms=%.2f backward_ms=%.2f update_ms=%.2f "
                + "fit_ms=%.2f images_per_s=%.1f%n", ff, grad - ff, fit - grad, fit, batch * 1000 / fit);
        if (a.flag("ops")) {
            Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
            OpProfiler.getInstance().reset();
            for (int b = warmup; b < warmup + n; b++) {
                g.fit(batches.get(b));
            }
            Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().build());
            System.out.println("[train-profile] ND4J op profiler over " + n + " fit steps (time share per op class; "
                    + OpProfiler.getInstance().getInvocationsCount() + " op calls):");
            System.out.println(OpProfiler.getInstance().getClassAggergator().asPercentageString());
            System.out.println("[train-profile] by op:");
            System.out.println(OpProfiler.getInstance().getLongAggergator().asPercentageString());
        }
    }

}
