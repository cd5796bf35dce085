package org.eennrc.models.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.models.train.TrainConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

/** Tiny model (3 blocks, d = 16, T = 16) on the 514-gloss fixture; each test runs in seconds. */
class TextTransformerTest {

    /** Block b of the staged model on its input (ids for b = 0, else the previous hidden state) and the mask. */
    static Map<String, INDArray> runBlock(org.eennrc.models.StagedModel m, int b, INDArray input, INDArray mask) {
        org.eennrc.models.ExitStage st = m.stages().get(b);
        Map<String, INDArray> in = new HashMap<>();
        in.put(b == 0 ? TextTransformer.IDS : TextTransformer.hiddenName(b - 1), input);
        in.put(TextTransformer.MASK, mask);
        org.eennrc.models.ExitStage.Output o = st.run(in, b < m.numExits() - 1, true);
        Map<String, INDArray> out = new HashMap<>(o.state());
        out.put(TextTransformer.probsName(b), o.probabilities());
        return out;
    }

    /** Raw softmax outputs of every block on every text, flat {@code [(i * L + l) * C + c]} (no renormalisation). */
    static float[] rawProbabilities(org.eennrc.models.StagedModel m, EncodedTexts a) {
        int exits = m.numExits();
        int classes = m.numClasses();
        float[] out = new float[a.size() * exits * classes];
        INDArray mask = a.maskBatch(null, 0, a.size());
        INDArray h = a.idsBatch(null, 0, a.size());
        for (int b = 0; b < exits; b++) {
            Map<String, INDArray> o = runBlock(m, b, h, mask);
            float[] p = o.get(TextTransformer.probsName(b)).dup('c').data().asFloat();
            for (int j = 0; j < a.size(); j++) {
                System.arraycopy(p, j * classes, out, (j * exits + b) * classes, classes);
            }
            h = o.get(TextTransformer.hiddenName(b));
        }
        return out;
    }

    static ExitPolicy policy(double lambda, int exits) {
        return new ExitPolicy("max-softmax", lambda, exits, new ExitPolicy.Certificate("prediction-gap", "manual", 0.1,
                Double.NaN, 1, org.eennrc.risk.Guarantee.NONE, true, 0, 0, "none", Double.NaN));
    }
    static WordPieceTokenizer tok;
    static EncodedTexts train;
    static EncodedTexts test;
    static TransformerConfig cfg;

    @BeforeAll
    static void setUp() {
        Dl4jRuntime.init();
        WordNetGlosses.Splits s = WordNetGlosses.split(TextFixtures.glosses(), WordNetGlosses.DEFAULT_SPLIT_SEED);
        tok = WordPieceTokenizer.train(WordNetGlosses.texts(s.train()), 300, 16, 1);
        train = EncodedTexts.encode(tok, s.train(), WordNetGlosses.NUM_CLASSES);
        test = EncodedTexts.encode(tok, s.test(), WordNetGlosses.NUM_CLASSES);
        cfg = TextFixtures.tiny(tok.vocabSize());
    }

    private static TrainConfig trainConfig(int epochs) {
        return trainConfig(epochs, 0.0);
    }

    private static TrainConfig trainConfig(int epochs, double dropout) {
        return TrainConfig.builder().epochs(epochs).batchSize(64).learningRate(3e-3).warmupFraction(0.0)
                .evalBatchSize(64).seed(3).dropout(dropout).build();
    }

    @ParameterizedTest
    @EnumSource(TransformerConfig.Pooling.class)
    void paddingTokensDoNotChangeTheOutputs(TransformerConfig.Pooling pooling) {
        TransformerConfig cfg = TextTransformerTest.cfg.withPooling(pooling);
        Map<String, INDArray> params = TextTransformer.initialParameters(cfg);
        org.eennrc.models.StagedModel m = TextTransformer.earlyExitModel(cfg, params);
        int[] shortOnes = java.util.stream.IntStream.range(0, train.size())
                .filter(i -> WordPieceTokenizer.length(train.ids()[i]) <= 10).limit(20).toArray();
        EncodedTexts a = train.subset(shortOnes);
        int[][] other = new int[a.size()][];
        int changed = 0;
        for (int i = 0; i < a.size(); i++) {
            other[i] = a.ids()[i].clone();
            for (int p = 0; p < other[i].length; p++) {
                if (other[i][p] == WordPieceTokenizer.PAD_ID) {
                    other[i][p] = 3 + (i * 31 + p * 7) % (cfg.vocabSize() - 3); // a real token at a padded position
                    changed++;
                }
            }
        }
        assertThat(changed).isGreaterThan(60);
        // same mask (from the original ids), different tokens under it
        float[] p0 = rawProbabilities(m, a);
        Map<String, INDArray> in = new HashMap<>();
        INDArray mask = a.maskBatch(null, 0, a.size());
        EncodedTexts b = new EncodedTexts(other, a.labels(), a.numClasses());
        INDArray h = b.idsBatch(null, 0, b.size());
        for (int blk = 0; blk < cfg.blocks(); blk++) {
            Map<String, INDArray> o = runBlock(m, blk, h, mask);
            float[] pb = o.get(TextTransformer.probsName(blk)).data().asFloat();
            for (int i = 0; i < a.size(); i++) {
                for (int c = 0; c < cfg.numClasses(); c++) {
                    assertThat(pb[i * cfg.numClasses() + c])
                            .isEqualTo(p0[(i * cfg.blocks() + blk) * cfg.numClasses() + c]);
                }
            }
            h = o.get(TextTransformer.hiddenName(blk));
        }
        // and the mask does matter: unmasking the padding changes the outputs
        INDArray ones = mask.dup().assign(1.0);
        INDArray p1 = runBlock(m, 0, b.idsBatch(null, 0, b.size()), ones).get(TextTransformer.probsName(0));
        float[] q = p1.data().asFloat();
        double diff = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int c = 0; c < cfg.numClasses(); c++) {
                diff += Math.abs(q[i * cfg.numClasses() + c] - p0[(i * cfg.blocks()) * cfg.numClasses() + c]);
            }
        }
        assertThat(diff).isGreaterThan(1e-3);
    }

    @ParameterizedTest
    @EnumSource(TransformerConfig.Pooling.class)
    void blockGraphsReproduceTheTrainingGraph(TransformerConfig.Pooling pooling) {
        TransformerConfig cfg = TextTransformerTest.cfg.withPooling(pooling);
        Map<String, INDArray> params = TextTransformer.initialParameters(cfg);
        SameDiff sd = TextTransformer.buildTraining(cfg, params, new Adam(1e-3), (double[]) null);
        EncodedTexts a = test.head(16);
        String[] names = new String[cfg.blocks()];
        for (int b = 0; b < names.length; b++) {
            names[b] = TextTransformer.probsName(b);
        }
        Map<String, INDArray> o = sd.output(Map.of(TextTransformer.IDS, a.idsBatch(null, 0, a.size()),
                TextTransformer.MASK, a.maskBatch(null, 0, a.size())), names);
        float[] p = rawProbabilities(TextTransformer.earlyExitModel(cfg, params), a);
        for (int b = 0; b < cfg.blocks(); b++) {
            float[] pb = o.get(names[b]).data().asFloat();
            for (int i = 0; i < a.size(); i++) {
                for (int c = 0; c < cfg.numClasses(); c++) {
                    assertThat(p[(i * cfg.blocks() + b) * cfg.numClasses() + c])
                            .isCloseTo(pb[i * cfg.numClasses() + c], org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
        }
    }

    /** The exit weights reach the gradient: with weights (1, 0, 0) one Adam step leaves the heads of exits 2, 3 as they were. */
    @Test
    void exitWeightsReachTheGradient() {
        Map<String, INDArray> params = TextTransformer.initialParameters(cfg);
        Map<String, INDArray> before = new HashMap<>();
        params.forEach((k, v) -> before.put(k, v.dup()));
        SameDiff sd = TextTransformer.buildTraining(cfg, params, new Adam(1e-2), new double[] {1, 0, 0});
        EncodedTexts a = train.head(32);
        Map<String, INDArray> l = sd.output(Map.of(TextTransformer.IDS, a.idsBatch(null, 0, a.size()),
                TextTransformer.MASK, a.maskBatch(null, 0, a.size()), TextTransformer.LABELS,
                a.labelsBatch(null, 0, a.size())), TextTransformer.LOSS, "loss0", "loss1");
        assertThat(l.get("loss1").getDouble(0)).isEqualTo(0.0);
        assertThat(l.get(TextTransformer.LOSS).getDouble(0)).isCloseTo(l.get("loss0").getDouble(0),
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(l.get("loss0").getDouble(0)).isGreaterThan(1.0); // about ln 26 at the start
        sd.fit(new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {a.idsBatch(null, 0, a.size()), a.maskBatch(null, 0, a.size())},
                new INDArray[] {a.labelsBatch(null, 0, a.size())}));
        Map<String, INDArray> after = TextTransformer.parameters(sd);
        assertThat(after.get("e0_w").sub(before.get("e0_w")).amaxNumber().doubleValue()).isGreaterThan(1e-4);
        assertThat(after.get("b0_w1").sub(before.get("b0_w1")).amaxNumber().doubleValue()).isGreaterThan(1e-4);
        for (String p : new String[] {"e1_w", "e1_b", "e2_w", "e2_b", "b1_w1", "b2_w2"}) {
            assertThat(after.get(p).sub(before.get(p)).amaxNumber().doubleValue()).as(p).isEqualTo(0.0);
        }
    }

    /**
     * Detached exits: one Adam step with equal weights moves the backbone exactly as a joint step with weights
     * (0, 0, 1) does (only the last exit's gradient reaches it), while the heads of exits 1 and 2 still learn.
     */
    @Test
    void detachedExitsLeaveTheBackboneToTheLastExit() {
        Map<String, INDArray> init = TextTransformer.initialParameters(cfg);
        EncodedTexts a = train.head(32);
        org.nd4j.linalg.dataset.MultiDataSet batch = new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {a.idsBatch(null, 0, a.size()), a.maskBatch(null, 0, a.size())},
                new INDArray[] {a.labelsBatch(null, 0, a.size())});
        Map<String, INDArray> p1 = new HashMap<>();
        init.forEach((k, v) -> p1.put(k, v.dup()));
        SameDiff detached = TextTransformer.buildTraining(cfg, p1, new Adam(1e-2),
                TrainConfig.builder().exitTraining(TrainConfig.ExitTraining.DETACHED).build());
        Map<String, INDArray> p2 = new HashMap<>();
        init.forEach((k, v) -> p2.put(k, v.dup()));
        SameDiff lastOnly = TextTransformer.buildTraining(cfg, p2, new Adam(1e-2), new double[] {0, 0, 1});
        Map<String, INDArray> p3 = new HashMap<>();
        init.forEach((k, v) -> p3.put(k, v.dup()));
        SameDiff joint = TextTransformer.buildTraining(cfg, p3, new Adam(1e-2), (double[]) null);
        detached.fit(batch);
        lastOnly.fit(batch);
        joint.fit(batch);
        Map<String, INDArray> d = TextTransformer.parameters(detached);
        Map<String, INDArray> l = TextTransformer.parameters(lastOnly);
        Map<String, INDArray> j = TextTransformer.parameters(joint);
        for (String p : d.keySet()) {
            double moved = d.get(p).sub(init.get(p)).amaxNumber().doubleValue();
            if (p.startsWith("e0_") || p.startsWith("e1_")) {
                // the earlier heads learn from their own losses in the detached graph, not in the last-only one
                assertThat(moved).as(p).isGreaterThan(1e-4);
                assertThat(l.get(p).sub(init.get(p)).amaxNumber().doubleValue()).as(p).isEqualTo(0.0);
            } else {
                assertThat(d.get(p).sub(l.get(p)).amaxNumber().doubleValue()).as(p).isLessThan(1e-6);
            }
        }
        // and joint training is different: the earlier exits' gradients do reach block 0
        assertThat(j.get("b0_w1").sub(d.get("b0_w1")).amaxNumber().doubleValue()).isGreaterThan(1e-5);
    }

    /** Inverted-dropout masks: about p of the entries are 0, the rest 1/(1 − p); the same seed draws the same masks. */
    @Test
    void dropoutMasksAreInvertedAndSeeded() {
        INDArray[] m = TextTransformer.dropoutMasks(cfg, 40, 0.25, new java.util.SplittableRandom(3));
        assertThat(m).hasSize(TextTransformer.dropoutSites(cfg)).hasSize(1 + 2 * cfg.blocks());
        assertThat(m[0].shape()).containsExactly(40, cfg.maxLength(), cfg.dModel());
        assertThat(m[1].shape()).containsExactly(40L * cfg.maxLength(), cfg.dModel());
        for (INDArray x : m) {
            double zeros = x.eq(0.0).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).meanNumber().doubleValue();
            assertThat(zeros).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.02)); // n = 10,240: sd 0.004
            assertThat(x.maxNumber().doubleValue()).isCloseTo(4.0 / 3, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(x.meanNumber().doubleValue()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.03));
        }
        assertThat(TextTransformer.dropoutMasks(cfg, 40, 0.25, new java.util.SplittableRandom(3))[4]).isEqualTo(m[4]);
        assertThat(TextTransformer.dropoutMasks(cfg, 40, 0.25, new java.util.SplittableRandom(4))[4]).isNotEqualTo(m[4]);
    }

    /**
     * The dropout graph is the plain graph times its masks: with every mask 1 it computes the same loss; with drawn
     * masks the loss differs, and every site matters (zeroing one site's mask changes the loss).
     */
    @Test
    void dropoutMasksMultiplyTheEmbeddingsAndEveryBranch() {
        Map<String, INDArray> params = TextTransformer.initialParameters(cfg);
        SameDiff plain = TextTransformer.buildTraining(cfg, params, new Adam(1e-2), (double[]) null);
        SameDiff dropped = TextTransformer.buildTraining(cfg, params, new Adam(1e-2),
                TrainConfig.builder().dropout(0.1).build());
        EncodedTexts a = train.head(16);
        Map<String, INDArray> feed = new HashMap<>(Map.of(TextTransformer.IDS, a.idsBatch(null, 0, a.size()),
                TextTransformer.MASK, a.maskBatch(null, 0, a.size()), TextTransformer.LABELS,
                a.labelsBatch(null, 0, a.size())));
        double ref = plain.output(feed, TextTransformer.LOSS).get(TextTransformer.LOSS).getDouble(0);
        INDArray[] ones = TextTransformer.dropoutMasks(cfg, a.size(), 0.1, new java.util.SplittableRandom(1));
        for (int k = 0; k < ones.length; k++) {
            ones[k] = org.nd4j.linalg.factory.Nd4j.onesLike(ones[k]);
            feed.put(TextTransformer.dropName(k), ones[k]);
        }
        assertThat(dropped.output(feed, TextTransformer.LOSS).get(TextTransformer.LOSS).getDouble(0))
                .isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-5));
        for (int k = 0; k < ones.length; k++) {
            feed.put(TextTransformer.dropName(k), ones[k].mul(0.5));
            double l = dropped.output(feed, TextTransformer.LOSS).get(TextTransformer.LOSS).getDouble(0);
            assertThat(Math.abs(l - ref)).as("site " + k).isGreaterThan(1e-4);
            feed.put(TextTransformer.dropName(k), ones[k]);
        }
    }

    /** CLS pooling: exit b is softmax(LN(h_b[:, 0, :])·W + b), computed here by hand from the block's output. */
    @Test
    void clsPoolingReadsTheFirstPositionOnly() {
        TransformerConfig c = cfg.withPooling(TransformerConfig.Pooling.CLS);
        Map<String, INDArray> params = TextTransformer.initialParameters(c);
        // non-trivial head parameters, so that a wrong row or a missing layer norm shows
        java.util.Random r = new java.util.Random(5);
        for (String name : new String[] {"e0_ln_g", "e0_ln_b", "e0_b"}) {
            INDArray x = params.get(name);
            for (long i = 0; i < x.length(); i++) {
                x.putScalar(i, 0.5 + r.nextGaussian());
            }
        }
        org.eennrc.models.StagedModel m = TextTransformer.earlyExitModel(c, params);
        EncodedTexts a = test.head(8);
        Map<String, INDArray> o = runBlock(m, 0, a.idsBatch(null, 0, a.size()), a.maskBatch(null, 0, a.size()));
        float[] h = o.get(TextTransformer.hiddenName(0)).dup('c').data().asFloat(); // [B, T, d]
        float[] probs = o.get(TextTransformer.probsName(0)).dup('c').data().asFloat();
        int d = c.dModel();
        int t = c.maxLength();
        int classes = c.numClasses();
        float[] g = params.get("e0_ln_g").dup('c').data().asFloat();
        float[] beta = params.get("e0_ln_b").dup('c').data().asFloat();
        float[] w = params.get("e0_w").dup('c').data().asFloat(); // [d, C]
        float[] bias = params.get("e0_b").dup('c').data().asFloat();
        for (int i = 0; i < a.size(); i++) {
            double mu = 0;
            for (int k = 0; k < d; k++) {
                mu += h[i * t * d + k];
            }
            mu /= d;
            double var = 0;
            for (int k = 0; k < d; k++) {
                double x = h[i * t * d + k] - mu;
                var += x * x;
            }
            var /= d;
            double[] z = new double[classes];
            double max = Double.NEGATIVE_INFINITY;
            for (int cl = 0; cl < classes; cl++) {
                double s = bias[cl];
                for (int k = 0; k < d; k++) {
                    double n = (h[i * t * d + k] - mu) / Math.sqrt(var + TextTransformer.LN_EPS) * g[k] + beta[k];
                    s += n * w[k * classes + cl];
                }
                z[cl] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int cl = 0; cl < classes; cl++) {
                z[cl] = Math.exp(z[cl] - max);
                sum += z[cl];
            }
            for (int cl = 0; cl < classes; cl++) {
                assertThat((double) probs[i * classes + cl]).isCloseTo(z[cl] / sum, org.assertj.core.data.Offset.offset(2e-4));
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(doubles = {0.0, 0.2})
    void lossGoesDownAndResumeContinuesFromTheSameState(double dropout, @TempDir Path tmp) {
        EncodedTexts small = train.head(192);
        TextTrainer.Result full = TextTrainer.train(cfg, trainConfig(3, dropout), tok, small, test, tmp.resolve("a"),
                false, TrainingListener.SILENT);
        List<TrainingListener.EpochSummary> h = full.history();
        assertThat(h).hasSize(3);
        assertThat(h.get(2).meanLoss()).isLessThan(h.get(0).meanLoss() * 0.9);

        TextTrainer.Result first = TextTrainer.train(cfg, trainConfig(3, dropout), tok, small, test, tmp.resolve("b"),
                false, 1, TrainingListener.SILENT);
        assertThat(first.finished()).isFalse();
        TextTrainer.Result rest = TextTrainer.train(cfg, trainConfig(3, dropout), tok, small, test, tmp.resolve("b"),
                true, TrainingListener.SILENT);
        assertThat(rest.finished()).isTrue();
        assertThat(rest.history()).hasSize(3);
        Map<String, INDArray> pa = full.parameters();
        Map<String, INDArray> pb = rest.parameters();
        assertThat(pb.keySet()).isEqualTo(pa.keySet());
        for (String k : pa.keySet()) {
            assertThat(pb.get(k).equalsWithEps(pa.get(k), 1e-5)).as(k).isTrue();
        }
        assertThat(rest.history().get(2).meanLoss()).isCloseTo(h.get(2).meanLoss(),
                org.assertj.core.data.Offset.offset(1e-4));

        // the saved model loads and predicts like the trained one
        TextTrainer.Trained loaded = TextTrainer.load(tmp.resolve("a"));
        assertThat(loaded.config()).isEqualTo(cfg);
        assertThat(loaded.training()).isEqualTo(trainConfig(3, dropout));
        assertThat(loaded.tokenizer().vocabulary()).isEqualTo(tok.vocabulary());
        assertThat(rawProbabilities(loaded.earlyExitModel(), test))
                .containsExactly(rawProbabilities(TextTransformer.earlyExitModel(cfg, pa), test));
    }

    @Test
    void realEarlyExitEqualsSimulatedExitFromExportedOutputs(@TempDir Path tmp) throws Exception {
        TextTrainer.Result r = TextTrainer.train(cfg, trainConfig(2), tok, train, test, tmp, false,
                TrainingListener.SILENT);
        org.eennrc.models.StagedModel m = TextTransformer.earlyExitModel(cfg, r.parameters());
        ExitOutputs out = m.outputs(test.iterator(32));
        Path npz = tmp.resolve("test.npz");
        ExitOutputsNpz.write(npz, out, true);
        ExitOutputs back = ExitOutputsNpz.read(npz);
        assertThat(back.flops()).containsExactly(m.cumulativeCost());
        assertThat(back.labels()).containsExactly(test.labels());
        int checkedMixed = 0;
        for (double lambda : new double[] {0.0, 0.05, 0.08, 0.1, 0.15, 0.3, 1.0}) {
            ExitResult sim = policy(lambda, cfg.blocks()).apply(back);
            for (int batch : new int[] {1, 7, 64}) {
                ExitResult real = m.predictor().predict(test.iterator(batch), lambda, ConfidenceMeasures.MAX_SOFTMAX);
                assertThat(real.exits()).as("exits at lambda %s batch %d", lambda, batch).containsExactly(sim.exits());
                assertThat(real.predictions()).containsExactly(sim.predictions());
            }
            int[] hist = sim.exitHistogram();
            if (java.util.Arrays.stream(hist).filter(x -> x > 0).count() > 1) {
                checkedMixed++;
            }
        }
        assertThat(checkedMixed).as("some thresholds send texts to different exits").isGreaterThan(0);
        assertThat(policy(1.0, cfg.blocks()).apply(back).exitHistogram()[cfg.blocks() - 1]).isEqualTo(test.size());
        ExitResult full = m.predictor().fullModel(test.iterator(16));
        for (int i = 0; i < test.size(); i++) {
            assertThat(full.predictions()[i]).isEqualTo(back.prediction(i, cfg.blocks() - 1));
        }
    }

    @Test
    void nativeLayerNormMatchesTheFormula() {
        SameDiff sd = SameDiff.create();
        java.util.Random r = new java.util.Random(5);
        float[] x = new float[6 * 8];
        float[] g = new float[8];
        float[] b = new float[8];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 * r.nextGaussian() + 1);
        }
        for (int i = 0; i < 8; i++) {
            g[i] = (float) (1 + 0.5 * r.nextGaussian());
            b[i] = (float) r.nextGaussian();
        }
        var xv = sd.constant("x", org.nd4j.linalg.factory.Nd4j.create(x, new long[] {6, 8}, 'c'));
        var gv = sd.constant("g", org.nd4j.linalg.factory.Nd4j.createFromArray(g));
        var bv = sd.constant("b", org.nd4j.linalg.factory.Nd4j.createFromArray(b));
        TextTransformer.layerNorm(sd, xv, gv, bv).rename("native");
        TextTransformer.manualLayerNorm(sd, xv, gv, bv).rename("manual");
        Map<String, INDArray> o = sd.output(Map.of(), "native", "manual");
        assertThat(o.get("native").equalsWithEps(o.get("manual"), 1e-4)).isTrue();
    }

    @Test
    void costsAreCountedFromTheBlockGraphsAndCumulative() {
        TransformerConfig c = new TransformerConfig(1000, 32, 64, 4, 128, 6, 26, 1);
        // by hand: Q, K, V, output projections 4·T·d², attention scores and weighted values 2·T²·d, feed-forward
        // 2·T·d·f; head: pooling product T·d and classifier d·C (the embedding is a look-up)
        double block = 4.0 * 32 * 64 * 64 + 2.0 * 32 * 32 * 64 + 2.0 * 32 * 64 * 128;
        double head = 32 * 64 + 64 * 26;
        org.eennrc.models.StagedModel m = TextTransformer.earlyExitModel(c, TextTransformer.initialParameters(c));
        double[] f = m.cumulativeCost();
        assertThat(f).hasSize(6);
        for (int l = 0; l < 6; l++) {
            assertThat(f[l]).isEqualTo((l + 1) * (block + head));
            assertThat(m.stages().get(l).trunkCost()).isEqualTo(block);
            assertThat(m.stages().get(l).headCost()).isEqualTo(head);
        }
        assertThat(m.fullModelCost()).isEqualTo(6 * block + head);
    }

    @Test
    void bagOfWordsLearnsTheTrainingSet() {
        BagOfWords.Fit fit = BagOfWords.fit(train, test, tok.vocabSize(), 30, 1);
        assertThat(fit.model().accuracy(train)).isGreaterThan(0.6);
        assertThat(fit.validationAccuracy()).isGreaterThan(0.0);
    }
}
