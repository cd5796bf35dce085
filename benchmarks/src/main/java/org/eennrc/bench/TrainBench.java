package org.eennrc.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;

/**
 * Trains the multi-exit ResNet on Fashion-MNIST and reports training images/s, per-exit test accuracy, peak RSS and
 * wall time: an end-to-end run, whose result is more than a time, so a bench command rather than a JMH benchmark.
 * The multiply-adds per exit come from the graph ({@link ComputationGraphModel#cumulativeCost()}, method.md §5).
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java $JOPTS -cp $CP org.eennrc.bench.TrainBench \
 *      [--data-dir DIR] [--out runs/fmnist-resnet] [--epochs 4] [--batch 128] [--lr 3e-3]
 *      [--optimizer adam|nesterov|sgd] [--schedule cosine|step|constant] [--weight-decay 0] [--flip]
 *      [--max-train N] [--stop-after N] [--resume]
 *      [--widths 32,64,128,256] [--blocks 1,1,1,1] [--strides 1,2,2,1] [--stem 32] [--stem-stride 2]
 *      [--head-hidden 0] [--seed 42]
 * </pre>
 */
public final class TrainBench {
    private static final Set<String> OPTIONS = Args.known(Args.RESNET, "data-dir", "out", "epochs", "batch", "lr",
            "optimizer", "schedule", "weight-decay", "flip", "max-train", "stop-after", "resume");

    private TrainBench() {
    }

    public static void main(String[] argv) {
        Dl4jRuntime.configureProcess();
        Args a = new Args(argv, OPTIONS);
        Dl4jRuntime.init();
        long t0 = System.nanoTime();
        MultiExitResNetConfig model = a.resnetConfig();
        TrainConfig d = TrainConfig.defaults();
        TrainConfig cfg = d.toBuilder()
                .epochs(a.getInt("epochs", d.epochs()))
                .batchSize(a.getInt("batch", d.batchSize()))
                .learningRate(a.getDouble("lr", d.learningRate()))
                .optimizer(a.getEnum("optimizer", TrainConfig.Optimizer.class, d.optimizer()))
                .schedule(a.getEnum("schedule", TrainConfig.Schedule.class, d.schedule()))
                .weightDecay(a.getDouble("weight-decay", d.weightDecay()))
                .augmentFlip(a.flag("flip"))
                .maxTrainImages(a.getInt("max-train", 0))
                .seed(a.getInt("seed", 42))
                .build();
        Path dataDir = a.has("data-dir") ? Path.of(a.get("data-dir", "")) : null;
        Path out = Path.of(a.get("out", "runs/fmnist-resnet"));
        org.deeplearning4j.nn.graph.ComputationGraph fresh = MultiExitResNet.build(model);
        ComputationGraphModel untrained = MultiExitResNet.earlyExitModel(model, fresh);
        System.out.printf(Locale.ROOT, "[bench] cumulative MACs per exit: %s; full model %.3f M; params %d "
                        + "(batch-norm running statistics included)%n",
                Arrays.toString(Arrays.stream(untrained.cumulativeCost()).map(f -> Math.round(f / 1e3) / 1e3).toArray()),
                untrained.fullModelCost() / 1e6, fresh.numParams());
        FashionMnist data = FashionMnist.load(dataDir, cfg.validationSize(), cfg.splitSeed());
        Trainer.TrainResult r = Trainer.train(model, cfg, data.train(), data.validation(), out, a.flag("resume"),
                a.getInt("stop-after", 0), TrainingListener.printing(System.out, "img"));
        long e0 = System.nanoTime();
        double[] testAcc = MultiExitResNet.earlyExitModel(model, r.graph()).outputs(data.test().iterator(500))
                .accuracyPerExit();
        double evalSecs = (System.nanoTime() - e0) / 1e9;
        double wall = (System.nanoTime() - t0) / 1e9;
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < testAcc.length; l++) {
            sb.append(String.format(Locale.ROOT, " exit%d=%.4f", l + 1, testAcc[l]));
        }
        System.out.printf(Locale.ROOT, "[bench] RESULT epochs=%d train_images_per_s=%.1f train_wall_s=%.1f "
                        + "test_acc:%s test_eval_s=%.1f (%.0f img/s all exits) peak_rss_mib=%.0f total_wall_s=%.1f%n",
                r.completedEpochs(), r.trainImagesPerSecond(), r.wallSeconds(), sb, evalSecs,
                data.test().size() / evalSecs, Rss.peakMiB(), wall);
    }
}
