package org.eennrc.models.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitResult;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.StagedModel;
import org.eennrc.models.train.TrainConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The MiniLM recipes on a few glosses (seconds), saving and loading, and real early exit against simulated exit. */
class MiniLmTrainerTest {
    static MiniLmConfig cfg;
    static EncodedTexts train;
    static EncodedTexts test;
    static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @BeforeAll
    static void data() {
        Dl4jRuntime.init();
        cfg = new MiniLmConfig(16, WordNetGlosses.NUM_CLASSES, 3);
        WordPieceTokenizer tok = MiniLm.tokenizer(cfg.maxLength());
        List<WordNetGlosses.Gloss> g = TextFixtures.glosses();
        int c = WordNetGlosses.NUM_CLASSES;
        train = EncodedTexts.encode(tok, g.subList(0, 96), c);
        test = EncodedTexts.encode(tok, g.subList(96, Math.min(g.size(), 128)), c);
    }

    static MiniLmTrainer.Settings settings(MiniLmTrainer.Recipe recipe) {
        TrainConfig heads = TrainConfig.builder().epochs(3).batchSize(32).learningRate(1e-2).maxTrainImages(0)
                .evalBatchSize(32).seed(7).build();
        TrainConfig ft = TrainConfig.builder().epochs(1).batchSize(16).learningRate(1e-4).maxTrainImages(16).seed(7)
                .build();
        return new MiniLmTrainer.Settings(recipe, heads, ft);
    }

    @Test
    void frozenHeadsTrainSaveLoadAndExitForReal(@TempDir Path tmp) {
        MiniLmTrainer.Result r = MiniLmTrainer.train(cfg, settings(MiniLmTrainer.Recipe.FROZEN), train, tmp, false,
                QUIET);
        // the encoder is the pretrained one, untouched
        assertThat(r.parameters().get("l3_w1")).isSameAs(MiniLm.pretrained().parameters().get("l3_w1"));
        StagedModel m = r.earlyExitModel();
        ExitOutputs out = m.outputs(test.iterator(32));
        // the heads learned something: training accuracy of the last exit beats the majority class
        ExitOutputs onTrain = m.outputs(train.iterator(32));
        assertThat(accuracy(onTrain, 5)).isGreaterThan(majority(train.labels()));
        // the cost grows with depth: six layers of the same width
        double[] cost = m.cumulativeCost();
        assertThat(cost[5] / cost[0]).isBetween(5.5, 6.5);

        MiniLmTrainer.Result back = MiniLmTrainer.load(tmp);
        assertThat(back.settings()).isEqualTo(r.settings());
        ExitOutputs again = back.earlyExitModel().outputs(test.iterator(32));
        assertThat(again.contentSha256()).isEqualTo(out.contentSha256());

        // real early exit (layers not run for texts that left) gives exactly the simulated exits
        int mixed = 0;
        // thresholds at quantiles of exit 1's confidence (the heads of this tiny run are not confident), and the ends
        double[] conf = new double[out.numSamples()];
        for (int i = 0; i < conf.length; i++) {
            conf[i] = out.topProbability(i, 0);
        }
        java.util.Arrays.sort(conf);
        for (double lambda : new double[] {0.0, conf[conf.length / 4], conf[conf.length * 3 / 4], 1.0}) {
            ExitResult sim = TextTransformerTest.policy(lambda, cfg.numExits()).apply(out);
            for (int batch : new int[] {1, 9, 64}) {
                ExitResult real = m.predictor().predict(test.iterator(batch), lambda, ConfidenceMeasures.MAX_SOFTMAX);
                assertThat(real.exits()).as("lambda %s batch %d", lambda, batch).containsExactly(sim.exits());
                assertThat(real.predictions()).containsExactly(sim.predictions());
            }
            if (java.util.Arrays.stream(sim.exitHistogram()).filter(x -> x > 0).count() > 1) {
                mixed++;
            }
        }
        assertThat(mixed).as("some thresholds send texts to different exits").isGreaterThan(0);
    }

    @Test
    void deebertFineTunesTheEncoderThenTrainsTheOtherHeads(@TempDir Path tmp) {
        MiniLmTrainer.Result r = MiniLmTrainer.train(cfg, settings(MiniLmTrainer.Recipe.DEEBERT), train, tmp, false,
                QUIET);
        Map<String, INDArray> pre = MiniLm.pretrained().parameters();
        assertThat(r.fineTuneTexts()).isEqualTo(16);
        // the encoder moved (one Adam step), the word-embedding table did not
        assertThat(r.parameters().get("l5_w2").equalsWithEps(pre.get("l5_w2"), 1e-7)).isFalse();
        assertThat(r.parameters().get("emb_word")).isSameAs(pre.get("emb_word"));
        for (int b = 0; b < 6; b++) {
            assertThat(r.parameters()).containsKey("e" + b + "_w");
        }
        MiniLmTrainer.Result back = MiniLmTrainer.load(tmp);
        assertThat(back.earlyExitModel().outputs(test.iterator(32)).contentSha256())
                .isEqualTo(r.earlyExitModel().outputs(test.iterator(32)).contentSha256());
    }

    static double accuracy(ExitOutputs o, int exit) {
        int ok = 0;
        for (int i = 0; i < o.numSamples(); i++) {
            ok += o.prediction(i, exit) == o.labels()[i] ? 1 : 0;
        }
        return ok / (double) o.numSamples();
    }

    static double majority(int[] y) {
        int[] c = new int[64];
        for (int v : y) {
            c[v]++;
        }
        return java.util.Arrays.stream(c).max().getAsInt() / (double) y.length;
    }
}
