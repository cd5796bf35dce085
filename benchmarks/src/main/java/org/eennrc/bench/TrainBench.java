package org.eennrc.bench;

import java.nio.file.Path;
import java.util.Locale;

import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.ExitEvaluator;
import org.eennrc.models.MultiExitResNet;
import org.eennrc.models.MultiExitResNetConfig;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.train.ProgressListener;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.Trainer;

/**
 * Trains the default model on Fashion-MNIST and reports training images/s, per-exit test accuracy, peak RSS and
 * wall time.
 *
 * <pre>
 * java -Xmx1g -Dorg.bytedeco.javacpp.maxbytes=1500m -Dorg.bytedeco.javacpp.maxphysicalbytes=2500m \
 *      -Dorg.eclipse.deeplearning4j.helpers.disable=false -cp ... org.eennrc.models.bench.TrainBench \
 *      [--data-dir DIR] [--out runs/fmnist] [--epochs 4] [--batch 128] [--lr 3e-3] [--optimizer adam|nesterov|sgd]
 *      [--schedule cosine|step|constant] [--weight-decay 0] [--flip] [--max-train N] [--resume]
 *      [--widths 16,32,64,128] [--blocks 1,1,1,1] [--stem 16] [--head-hidden 0] [--seed 42]
 * </pre>
 */
public final class TrainBench {
    private TrainBench() {
    }

    public static void main(String[] argv) {
        Dl4jRuntime.init();
        long t0 = System.nanoTime();
        Args a = new Args(argv);
        MultiExitResNetConfig model = a.resnetConfig();
        TrainConfig d = TrainConfig.defaults();
        TrainConfig cfg = d.toBuilder()
                .epochs(a.getInt("epochs", d.epochs()))
                .batchSize(a.getInt("batch", d.batchSize()))
                .learningRate(a.getDouble("lr", d.learningRate()))
                .optimizer(TrainConfig.Optimizer.valueOf(a.get("optimizer", d.optimizer().name()).toUpperCase(Locale.ROOT)))
                .schedule(TrainConfig.Schedule.valueOf(a.get("schedule", d.schedule().name()).toUpperCase(Locale.ROOT)))
                .weightDecay(a.getDouble("weight-decay", d.weightDecay()))
                .augmentFlip(a.flag("flip"))
                .maxTrainImages(a.getInt("max-train", 0))
                .stopAfterEpochs(a.getInt("stop-after", 0))
                .seed(a.getInt("seed", 42))
                .build();
        Path dataDir = a.has("data-dir") ? Path.of(a.get("data-dir", "")) : null;
        Path out = Path.of(a.get("out", "runs/fmnist-resnet"));
        double[] flops = MultiExitResNet.flops(model).cumulativePerExit();
        System.out.printf(Locale.ROOT, "[bench] cumulative MACs per exit: %s; full model %.3f M%n",
                java.util.Arrays.toString(java.util.Arrays.stream(flops).map(f -> Math.round(f / 1e3) / 1e3).toArray()),
                MultiExitResNet.flops(model).fullModel() / 1e6);
        FashionMnist data = FashionMnist.load(dataDir, cfg.validationSize(), cfg.splitSeed());
        Trainer.TrainResult r = Trainer.train(model, cfg, data.train(), data.validation(), out, a.flag("resume"),
                ProgressListener.printing(System.out));
        long e0 = System.nanoTime();
        double[] testAcc = ExitEvaluator.accuracy(r.graph(), data.test(), 500);
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
