package org.eennrc.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.FashionScenes;
import org.eennrc.models.seg.MultiExitSegNet;
import org.eennrc.models.seg.MultiExitSegNetConfig;
import org.eennrc.core.dense.DenseOutputsBuilder;
import org.eennrc.core.dense.DenseRisk;
import org.eennrc.models.seg.SegTrainer;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * Trains the multi-exit segmentation network on Fashion-MNIST scenes and reports training images/s, per-exit pixel
 * accuracy and mIoU on test scenes, peak RSS and wall time. With {@code --throughput N} it only times N training
 * batches (after 3 warm-up batches) and reports the per-batch time, to estimate the training time on an idle machine
 * from a loaded one.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 java $JOPTS -cp $CP org.eennrc.bench.SegTrainBench \
 *      [--out runs/scenes] [--epochs 4] [--batch 32] [--lr 3e-3] [--train-scenes 12000] [--val-scenes 500]
 *      [--test-scenes 1000] [--widths 32,48,64,96] [--strides 1,2,2,1] [--stem 16] [--stem-stride 2] [--seed 42]
 *      [--stop-after N] [--resume] [--throughput N]
 * </pre>
 */
public final class SegTrainBench {
    private static final Set<String> OPTIONS = Set.of("out", "epochs", "batch", "lr", "train-scenes", "val-scenes",
            "test-scenes", "widths", "strides", "stem", "stem-stride", "seed", "stop-after", "resume", "throughput", "data-dir");

    private SegTrainBench() {
    }

    public static void main(String[] argv) {
        Dl4jRuntime.configureProcess();
        Args a = new Args(argv, OPTIONS);
        Dl4jRuntime.init();
        long t0 = System.nanoTime();
        MultiExitSegNetConfig d0 = MultiExitSegNetConfig.defaults();
        MultiExitSegNetConfig model = new MultiExitSegNetConfig(d0.height(), d0.width(), d0.channels(),
                d0.numClasses(), a.getInt("stem", d0.stemWidth()), a.getInt("stem-stride", d0.stemStride()),
                a.has("widths") ? a.getInts("widths") : d0.widths(),
                a.has("strides") ? a.getInts("strides") : d0.strides(), a.getInt("seed", (int) d0.seed()));
        TrainConfig d = TrainConfig.defaults();
        TrainConfig cfg = d.toBuilder()
                .epochs(a.getInt("epochs", 4))
                .batchSize(a.getInt("batch", 32))
                .learningRate(a.getDouble("lr", d.learningRate()))
                .evalBatchSize(100)
                .seed(a.getInt("seed", 42))
                .build();
        Path dataDir = a.has("data-dir") ? Path.of(a.get("data-dir", "")) : null;
        FashionMnist data = FashionMnist.load(dataDir, cfg.validationSize(), cfg.splitSeed());
        FashionScenes train = FashionScenes.of(data.train(), a.getInt("train-scenes", 12000), 1L);
        FashionScenes val = FashionScenes.of(data.validation(), a.getInt("val-scenes", 500), 2L);
        FashionScenes test = FashionScenes.test(data, a.getInt("test-scenes", 1000), 3L);
        ComputationGraphModel untrained = MultiExitSegNet.earlyExitModel(model, MultiExitSegNet.build(model));
        System.out.printf(Locale.ROOT, "[bench] %s%n[bench] cumulative MACs per exit (M): %s; full model %.3f M;"
                        + " uncounted layers %s%n", model,
                Arrays.toString(Arrays.stream(untrained.cumulativeCost()).map(f -> Math.round(f / 1e3) / 1e3).toArray()),
                untrained.fullModelCost() / 1e6, untrained.uncountedLayers());
        int throughput = a.getInt("throughput", 0);
        if (throughput > 0) {
            ComputationGraph g = MultiExitSegNet.build(model, cfg.updater(1000), 0);
            org.eennrc.models.train.GraphNetwork net = new org.eennrc.models.train.GraphNetwork(g,
                    MultiExitSegNet.inputType(model));
            int b = cfg.batchSize();
            for (int i = 0; i < 3; i++) {
                net.fit(train.batch(i * b, (i + 1) * b), false);
            }
            long tb = 0;
            long tg = 0;
            long cpu0 = Rss.processCpuNanos();
            for (int i = 3; i < 3 + throughput; i++) {
                long g0 = System.nanoTime();
                MultiDataSet batch = train.batch(i * b, (i + 1) * b);
                long g1 = System.nanoTime();
                net.fit(batch, false);
                tb += System.nanoTime() - g1;
                tg += g1 - g0;
            }
            double cpuMs = (Rss.processCpuNanos() - cpu0) / 1e6 / throughput;
            System.out.printf(Locale.ROOT, "[bench] RESULT throughput batch=%d batches=%d fit_ms_per_batch=%.1f "
                            + "scene_gen_ms_per_batch=%.1f train_images_per_s=%.1f process_cpu_ms_per_batch=%.1f "
                            + "peak_rss_mib=%.0f%n", b, throughput, tb / 1e6 / throughput, tg / 1e6 / throughput,
                    throughput * b / ((tb + tg) / 1e9), cpuMs, Rss.peakMiB());
            return;
        }
        SegTrainer.Trained r = SegTrainer.train(model, cfg, train, val, Path.of(a.get("out", "runs/scenes")),
                a.flag("resume"), a.getInt("stop-after", 0), TrainingListener.printing(System.out, "img"));
        long e0 = System.nanoTime();
        ComputationGraphModel m = r.model();
        // eenn-core's dense builder accumulates the per-exit pixel accuracy and data-set mIoU (ignore label left out)
        int C = FashionScenes.NUM_CLASSES;
        int hw = FashionScenes.SIZE * FashionScenes.SIZE;
        DenseOutputsBuilder metrics = DenseOutputsBuilder.builder(m.numExits(), C, FashionScenes.SIZE,
                FashionScenes.SIZE).confidence("top1:mean").risks(DenseRisk.MISCOVERAGE).build();
        int eb = 100;
        for (int from = 0; from < test.size(); from += eb) {
            int to = Math.min(test.size(), from + eb);
            INDArray[] outs = m.exitOutputs(test.features(from, to));
            float[][] flat = new float[outs.length][];
            for (int e = 0; e < outs.length; e++) {
                flat[e] = outs[e].dup('c').data().asFloat();
            }
            int[] truth = test.labels(from, to);
            for (int j = 0; j < to - from; j++) {
                float[][] probs = new float[outs.length][];
                for (int e = 0; e < outs.length; e++) {
                    probs[e] = Arrays.copyOfRange(flat[e], j * C * hw, (j + 1) * C * hw);
                }
                metrics.add(probs, Arrays.copyOfRange(truth, j * hw, (j + 1) * hw));
            }
        }
        double evalSecs = (System.nanoTime() - e0) / 1e9;
        double[] acc = metrics.pixelAccuracyPerExit();
        double[] miou = metrics.meanIoUPerExit();
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < m.numExits(); l++) {
            sb.append(String.format(Locale.ROOT, " exit%d=%.4f/%.4f", l + 1, acc[l], miou[l]));
        }
        System.out.printf(Locale.ROOT, "[bench] RESULT epochs=%d train_images_per_s=%.1f train_wall_s=%.1f "
                        + "test pixel_acc/mIoU:%s test_eval_s=%.1f peak_rss_mib=%.0f total_wall_s=%.1f process_cpu_s=%.1f%n",
                r.history().size(), r.trainImagesPerSecond(), r.wallSeconds(), sb, evalSecs, Rss.peakMiB(),
                (System.nanoTime() - t0) / 1e9, Rss.processCpuNanos() / 1e9);
    }
}
