package org.eennrc.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.eennrc.core.ExitResult;
import org.eennrc.models.data.FashionScenes;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.internal.BatchIterator;
import org.eennrc.models.seg.MultiExitSegNet;
import org.eennrc.core.dense.DenseConfidences;
import org.eennrc.models.seg.MultiExitSegNetConfig;
import org.eennrc.models.seg.SegConfidence;
import org.eennrc.core.dense.DenseOutputsBuilder;
import org.eennrc.models.seg.SegTrainer;
import org.eennrc.models.train.GraphNetwork;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

class MultiExitSegNetTest {
    private static final MultiExitSegNetConfig TINY = MultiExitSegNetConfig.tiny();

    @TempDir
    Path tmp;

    /** Random inputs [n, 1, 16, 16] and random one-hot labels [n, 3, 16, 16]. */
    private static INDArray[] randomBatch(int n, long seed, boolean shiftLabels) {
        Random r = new Random(seed);
        int hw = 16 * 16;
        float[] x = new float[n * hw];
        float[] y = new float[n * 3 * hw];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 2);
        }
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < hw; p++) {
                int c = r.nextInt(3);
                y[(j * 3 + (shiftLabels ? (c + 1) % 3 : c)) * hw + p] = 1f;
            }
        }
        return new INDArray[] {Nd4j.create(x, new long[] {n, 1, 16, 16}, 'c'),
            Nd4j.create(y, new long[] {n, 3, 16, 16}, 'c')};
    }

    @Test
    void ignoredPixelsCarryNoLossAndNoGradient() {
        INDArray[] a = randomBatch(4, 1, false);
        INDArray[] b = randomBatch(4, 1, true); // same inputs, every label different
        Random r = new Random(2);
        float[] m = new float[4 * 256];
        for (int i = 0; i < m.length; i++) {
            m[i] = r.nextDouble() < 0.3 ? 0f : 1f;
        }
        INDArray mask = Nd4j.create(m, new long[] {4, 1, 16, 16}, 'c');
        // labels that agree on the counted pixels and differ on every ignored one
        INDArray mixed = a[1].mul(mask).add(b[1].mul(mask.rsub(1.0)));

        ComputationGraph g1 = MultiExitSegNet.build(TINY);
        ComputationGraph g2 = MultiExitSegNet.build(TINY);
        assertThat(g1.params().equalsWithEps(g2.params(), 0)).isTrue();
        double s1 = new GraphNetwork(g1, MultiExitSegNet.inputType(TINY)).fit(batch(a[0], a[1], mask), true);
        double s2 = new GraphNetwork(g2, MultiExitSegNet.inputType(TINY)).fit(batch(a[0], mixed, mask), true);
        assertThat(s2).isCloseTo(s1, org.assertj.core.data.Offset.offset(1e-9 * Math.abs(s1)));
        assertThat(g1.params().equalsWithEps(g2.params(), 1e-7)).as("one step from the same start").isTrue();

        // control: without the mask the same two label sets give different losses and steps (the test can fail)
        ComputationGraph g3 = MultiExitSegNet.build(TINY);
        ComputationGraph g4 = MultiExitSegNet.build(TINY);
        double s3 = new GraphNetwork(g3, MultiExitSegNet.inputType(TINY)).fit(batch(a[0], a[1], null), true);
        double s4 = new GraphNetwork(g4, MultiExitSegNet.inputType(TINY)).fit(batch(a[0], mixed, null), true);
        assertThat(Math.abs(s3 - s4)).isGreaterThan(1e-3 * Math.abs(s3));
        assertThat(g3.params().equalsWithEps(g4.params(), 1e-7)).isFalse();
        // and the masked loss is smaller: 30 % of the pixels do not count
        assertThat(s1).isLessThan(s3);
    }

    private static MultiDataSet batch(INDArray x, INDArray y, INDArray mask) {
        return new MultiDataSet(new INDArray[] {x}, new INDArray[] {y}, null,
                mask == null ? null : new INDArray[] {mask});
    }

    @Test
    void costsAreCountedFromTheGraph() {
        ComputationGraphModel m = MultiExitSegNet.earlyExitModel(TINY, MultiExitSegNet.build(TINY));
        assertThat(m.numExits()).isEqualTo(4);
        assertThat(m.numClasses()).isEqualTo(3); // from the channels feeding the per-pixel loss layers
        assertThat(m.uncountedLayers()).isEmpty();
        // by hand (docs/models.md): stem 3x3 s2 1->4 at 8x8 = 2304 + bn 256; stage 1: two 3x3 4->4 at 8x8 = 2 * 9216
        // + 2 bn 256; head 1: 1x1 4->3 at 8x8 = 768 (upsampling and the loss layer cost nothing)
        double s1 = 2304 + 256 + 9216 + 256 + 9216 + 256;
        double h1 = 768;
        double s2 = 16 * 9 * 4 * 6 + 96 + 16 * 9 * 36 + 96; // stride 2 to 4x4
        double h2 = 64 * (6 + 4) * 3; // features upsampled to 8x8, concatenated with stage 1's 4 channels
        double s3 = 16 * 9 * 6 * 8 + 128 + 16 * 9 * 64 + 128;
        double h3 = 64 * (8 + 4) * 3;
        double s4 = 16 * 9 * 8 * 8 + 128 + 16 * 9 * 64 + 128;
        double h4 = h3;
        assertThat(m.cumulativeCost()).containsExactly(s1 + h1, s1 + h1 + s2 + h2, s1 + h1 + s2 + h2 + s3 + h3,
                s1 + h1 + s2 + h2 + s3 + h3 + s4 + h4);
        assertThat(m.fullModelCost()).isEqualTo(s1 + s2 + s3 + s4 + h4);
        INDArray[] outs = m.exitOutputs(randomBatch(2, 3, false)[0]);
        assertThat(outs).hasSize(4);
        for (INDArray o : outs) {
            assertThat(o.shape()).containsExactly(2, 3, 16, 16);
            assertThat(o.sum(1).minNumber().doubleValue()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    /** Mean over pixels of the top-1 probability: one confidence per image. */
    private static double[] meanTop1(INDArray probs) {
        return probs.max(1).mean(1, 2).toDoubleVector();
    }

    @Test
    void realEarlyExitPerImageEqualsTheSimulatedExit() {
        ComputationGraph g = MultiExitSegNet.build(TINY);
        // a few steps so that the exits disagree in confidence
        GraphNetwork net = new GraphNetwork(g, MultiExitSegNet.inputType(TINY));
        INDArray[] train = randomBatch(16, 5, false);
        for (int i = 0; i < 3; i++) {
            net.fit(batch(train[0], train[1], null), false);
        }
        ComputationGraphModel model = MultiExitSegNet.earlyExitModel(TINY, g);
        int n = 23;
        INDArray x = randomBatch(n, 6, false)[0];
        INDArray[] all = model.exitOutputs(x);
        // the image confidence of the streamed tables (eenn-core's top1:mean), as the predictor's per-image confidence
        EarlyExitPredictor.ExampleConfidence top1mean = SegConfidence.perExample(DenseConfidences.parse("top1:mean"));
        double[][] conf = new double[4][];
        for (int e = 0; e < 4; e++) {
            conf[e] = top1mean.confidences(all[e]);
            double[] direct = meanTop1(all[e]);
            for (int i = 0; i < n; i++) {
                assertThat(conf[e][i]).isCloseTo(direct[i], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        double[] sorted = conf[0].clone();
        Arrays.sort(sorted);
        EarlyExitPredictor predictor = model.predictor();
        int[] histogramUnion = new int[4];
        for (int q : new int[] {0, 5, 11, 17, 22}) {
            double lambda = q == 22 ? 1.0 : (sorted[q] + sorted[q + 1]) / 2;
            int[] simulated = new int[n];
            for (int i = 0; i < n; i++) {
                int e = 0;
                while (e < 3 && !(conf[e][i] > lambda)) {
                    e++;
                }
                simulated[i] = e;
            }
            for (int batchSize : new int[] {1, 4, 23}) {
                float[][] answers = new float[n][];
                int[] answeredAt = new int[n];
                Arrays.fill(answeredAt, -1);
                ExitResult real = predictor.predict(iterator(x, batchSize), lambda, top1mean,
                        (sample, exit, output, row) -> {
                            assertThat(answeredAt[sample]).as("answered once").isEqualTo(-1);
                            answeredAt[sample] = exit;
                            answers[sample] = output.slice(row).dup('c').data().asFloat();
                        });
                assertThat(real.exits()).as("λ=%s batch %d", lambda, batchSize).containsExactly(simulated);
                assertThat(answeredAt).containsExactly(simulated);
                assertThat(real.predictions()).containsOnly(-1);
                for (int i = 0; i < n; i++) {
                    float[] expected = all[simulated[i]].slice(i).dup('c').data().asFloat();
                    for (int p = 0; p < expected.length; p++) {
                        assertThat(answers[i][p]).isCloseTo(expected[p],
                                org.assertj.core.data.Offset.offset(1e-5f));
                    }
                }
            }
            for (int e : simulated) {
                histogramUnion[e]++;
            }
        }
        // the λs used sent images to the first exit and to later ones
        assertThat(histogramUnion[0]).isPositive();
        assertThat(histogramUnion[3]).isPositive();

        // the full-model baseline gives the last exit's output
        float[][] full = new float[n][];
        ExitResult f = predictor.fullModel(iterator(x, 8), (sample, exit, output, row) ->
                full[sample] = output.slice(row).dup('c').data().asFloat());
        assertThat(f.exits()).containsOnly(3);
        assertThat(full[7]).containsExactly(all[3].slice(7).dup('c').data().asFloat());
        // a confidence of the wrong length is an error, not a silent misassignment
        assertThatThrownBy(() -> predictor.predict(iterator(x, 4), 0.5, o -> new double[1], null))
                .hasMessageContaining("1 values for 4 examples");
    }

    @Test
    void theInferenceFormGivesTheSameProbabilitiesAndTheSameRealEarlyExit() {
        ComputationGraph g = MultiExitSegNet.build(TINY);
        GraphNetwork net = new GraphNetwork(g, MultiExitSegNet.inputType(TINY));
        INDArray[] train = randomBatch(16, 5, false);
        for (int i = 0; i < 3; i++) {
            net.fit(batch(train[0], train[1], null), false);
        }
        ComputationGraphModel training = MultiExitSegNet.earlyExitModel(TINY, g);
        ComputationGraphModel inference = MultiExitSegNet.inferenceModel(TINY, g);
        assertThat(inference.graph()).isNotSameAs(g);
        assertThat(inference.graph().getLayer("exit2_softmax")).isNotNull(); // softmax before the upsampling
        assertThat(inference.numClasses()).isEqualTo(3);
        // exit 1 costs the same; the deep exits' 1x1 convolutions over the deep features run at their resolution
        // (stage 2: 4x4 instead of 8x8 positions, 6 channels, 3 classes = 288 fewer multiply-adds per image)
        double[] ci = inference.cumulativeCost();
        double[] ct = training.cumulativeCost();
        assertThat(ci[0]).isEqualTo(ct[0]);
        assertThat(ct[1] - ci[1]).isEqualTo((64 - 16) * 6 * 3);
        assertThat(inference.fullModelCost()).isLessThan(training.fullModelCost());
        int n = 11;
        INDArray x = randomBatch(n, 8, false)[0];
        INDArray[] a = training.exitOutputs(x);
        INDArray[] b = inference.exitOutputs(x);
        for (int e = 0; e < 4; e++) {
            assertThat(b[e].shape()).containsExactly(a[e].shape());
            assertThat(a[e].equalsWithEps(b[e], 1e-6)).as("exit %d", e + 1).isTrue();
        }
        // real early exit on the inference form: the exits the simulated rule picks from its own outputs
        EarlyExitPredictor.ExampleConfidence top1mean = SegConfidence.perExample(DenseConfidences.parse("top1:mean"));
        double[][] conf = new double[4][];
        for (int e = 0; e < 4; e++) {
            conf[e] = top1mean.confidences(b[e]);
        }
        double[] sorted = conf[0].clone();
        Arrays.sort(sorted);
        double lambda = (sorted[4] + sorted[5]) / 2;
        int[] simulated = new int[n];
        for (int i = 0; i < n; i++) {
            int e = 0;
            while (e < 3 && !(conf[e][i] > lambda)) {
                e++;
            }
            simulated[i] = e;
        }
        ExitResult real = inference.predictor().predict(iterator(x, 4), lambda, top1mean, null);
        assertThat(real.exits()).containsExactly(simulated);
    }

    private static org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator iterator(INDArray x, int batch) {
        return new BatchIterator((int) x.size(0), batch, (from, to) -> new MultiDataSet(
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup('c'), null));
    }

    @Test
    void trainsOnScenesSavesAndLoads() {
        // a very small network at the scenes' size: a few seconds
        MultiExitSegNetConfig c = new MultiExitSegNetConfig(64, 64, 1, 11, 4, 2, new int[] {4, 4, 4, 4},
                new int[] {1, 2, 2, 1}, 3);
        ImageSet items = randomItems(30);
        FashionScenes train = FashionScenes.of(items, 32, 1);
        FashionScenes val = FashionScenes.of(items, 8, 2);
        TrainConfig cfg = TrainConfig.builder().epochs(1).batchSize(16).evalBatchSize(8).build();
        SegTrainer.Trained t = SegTrainer.train(c, cfg, train, val, tmp.resolve("run"), false, 0,
                TrainingListener.SILENT);
        assertThat(t.finished()).isTrue();
        assertThat(t.history()).hasSize(1);
        assertThat(t.history().get(0).validationAccuracy()).hasSize(4);
        SegTrainer.Trained back = SegTrainer.load(tmp.resolve("run"));
        assertThat(back.config()).isEqualTo(c);
        INDArray x = val.features(0, 4);
        INDArray[] a = t.model().exitOutputs(x);
        INDArray[] b = back.model().exitOutputs(x);
        for (int e = 0; e < 4; e++) {
            assertThat(a[e].equalsWithEps(b[e], 1e-6)).isTrue();
        }
        // the validation accuracies are eenn-core's dense pixel accuracies on the same scenes
        DenseOutputsBuilder metrics = DenseOutputsBuilder.builder(4, 11, 64, 64).confidence("top1:mean").build();
        INDArray[] o = back.model().exitOutputs(val.features(0, 8));
        int[] truth = val.labels(0, 8);
        for (int j = 0; j < 8; j++) {
            float[][] probs = new float[4][];
            for (int e = 0; e < 4; e++) {
                probs[e] = o[e].slice(j).dup('c').data().asFloat();
            }
            metrics.add(probs, Arrays.copyOfRange(truth, j * 4096, (j + 1) * 4096));
        }
        double[] acc = metrics.pixelAccuracyPerExit();
        for (int e = 0; e < 4; e++) {
            assertThat(acc[e]).isCloseTo(t.history().get(0).validationAccuracy()[e],
                    org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThatThrownBy(() -> SegTrainer.train(TINY, cfg, train, val, tmp.resolve("x"), false, 0,
                TrainingListener.SILENT)).hasMessageContaining("64x64x1 input and 11 classes");
    }

    private static ImageSet randomItems(int n) {
        Random r = new Random(9);
        byte[] px = new byte[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 10;
            for (int p = 0; p < 784; p++) {
                boolean inside = p / 28 >= 4 && p / 28 < 24 && p % 28 >= 4 && p % 28 < 24;
                px[i * 784 + p] = (byte) (inside ? 60 + r.nextInt(190) : 0);
            }
        }
        return new ImageSet(px, y, 28, 28, 10, 0f, 1f);
    }
}
