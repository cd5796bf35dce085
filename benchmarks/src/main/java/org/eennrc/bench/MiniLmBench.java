package org.eennrc.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.EarlyExitPredictor;
import org.eennrc.models.Exporter;
import org.eennrc.models.StagedModel;
import org.eennrc.models.text.EncodedTexts;
import org.eennrc.models.text.MiniLm;
import org.eennrc.models.text.MiniLmConfig;
import org.eennrc.models.text.MiniLmTrainer;
import org.eennrc.models.text.TextPipeline;
import org.eennrc.models.text.WordNetGlosses;
import org.eennrc.models.text.WordPieceTokenizer;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.risk.LambdaGrid;
import org.eennrc.risk.inject.ControllerRegistry;

/**
 * The pretrained MiniLM-L6 with an exit after every layer on WordNet supersenses (issue 14): trains a recipe
 * ({@link MiniLmTrainer.Recipe}), reports every exit's test accuracy, the training time split (fine-tuning, feature
 * pass, heads), the feature pass's texts/s and the peak RSS, and writes the test outputs. With {@code --speed} it
 * then measures, in the same run, real early exit at the CRC threshold for ε = 0.05 (prediction consistency)
 * against the full encoder at batch 64 and batch 1, and the encoder's texts/s at batch 64 against ONNX Runtime on
 * the same jar and the same padded ids (a session of its own at batch 64, and langchain4j's embedding API).
 *
 * <pre>
 * java -Xmx3g -Dorg.bytedeco.javacpp.maxbytes=3g -Dorg.bytedeco.javacpp.maxphysicalbytes=5g \
 *      -Dorg.eclipse.deeplearning4j.helpers.disable=false -cp $CP org.eennrc.bench.MiniLmBench \
 *      [--recipe frozen|deebert] [--out runs/minilm-frozen] [--data-dir DIR] [--max-length 32]
 *      [--head-texts 20000 (frozen) / 6000 (deebert)] [--head-epochs 30] [--head-lr 3e-3] [--ft-texts 3000] [--ft-epochs 1] [--ft-lr 1e-4]
 *      [--ft-batch 32] [--skip-train] [--outputs NPZ] [--speed] [--speed-texts 640] [--speed-texts-b1 64]
 *      [--ort-texts 640]
 * </pre>
 * {@code --skip-train} loads the model in {@code --out} (a {@link MiniLmTrainer} folder, such as eenn reproduce's
 * cache folder); {@code --outputs} reads that model's test outputs from an npz instead of computing them again.
 */
public final class MiniLmBench {
    private static final Set<String> OPTIONS = Set.of("recipe", "out", "data-dir", "max-length", "head-texts",
            "head-epochs", "head-lr", "ft-texts", "ft-epochs", "ft-lr", "ft-batch", "skip-train", "speed", "speed-texts",
            "speed-texts-b1", "ort-texts", "outputs");

    private MiniLmBench() {
    }

    public static void main(String[] argv) throws Exception {
        Dl4jRuntime.configureProcess();
        Args a = new Args(argv, OPTIONS);
        Dl4jRuntime.init();
        long t0 = System.nanoTime();
        MiniLmTrainer.Recipe recipe = a.getEnum("recipe", MiniLmTrainer.Recipe.class, MiniLmTrainer.Recipe.FROZEN);
        Path out = Path.of(a.get("out", "runs/minilm-" + recipe.name().toLowerCase(Locale.ROOT)));
        Path dataDir = a.has("data-dir") ? Path.of(a.get("data-dir", null)) : null;
        MiniLmConfig config = new MiniLmConfig(a.getInt("max-length", MiniLmConfig.DEFAULT_MAX_LENGTH),
                WordNetGlosses.NUM_CLASSES, 42);
        MiniLmTrainer.Settings def = MiniLmTrainer.Settings.defaults(recipe);
        TrainConfig heads = def.heads().toBuilder().maxTrainImages(a.getInt("head-texts", def.heads().maxTrainImages()))
                .epochs(a.getInt("head-epochs", def.heads().epochs()))
                .learningRate(a.getDouble("head-lr", def.heads().learningRate())).build();
        TrainConfig ft = def.fineTune().toBuilder().maxTrainImages(a.getInt("ft-texts", def.fineTune().maxTrainImages()))
                .epochs(a.getInt("ft-epochs", def.fineTune().epochs()))
                .learningRate(a.getDouble("ft-lr", def.fineTune().learningRate()))
                .batchSize(a.getInt("ft-batch", def.fineTune().batchSize())).build();
        MiniLmTrainer.Settings settings = new MiniLmTrainer.Settings(recipe, heads, ft);
        Files.createDirectories(out);
        System.out.println("[bench] " + Dl4jRuntime.describe());
        System.out.println("[bench] load " + Files.readString(Path.of("/proc/loadavg")).trim());

        WordPieceTokenizer tok = MiniLm.tokenizer(config.maxLength());
        TextPipeline.Data d = TextPipeline.prepare(dataDir, tok, 0, 0, WordNetGlosses.DEFAULT_SPLIT_SEED);
        List<String> testTexts = WordNetGlosses.texts(WordNetGlosses.loadSplits(dataDir,
                WordNetGlosses.DEFAULT_SPLIT_SEED).test());
        System.out.printf(Locale.ROOT, "[bench] data: train %d, validation %d, test %d glosses; BERT tokenizer (%d "
                        + "entries), max length %d, truncated test texts %.1f%%, mean test length %.1f%n",
                d.train().size(), d.validation().size(), d.test().size(), tok.vocabSize(), tok.maxLength(),
                100 * TextPipeline.truncatedFraction(tok, testTexts),
                Arrays.stream(d.test().ids()).mapToInt(WordPieceTokenizer::length).average().orElse(0));

        MiniLmTrainer.Result r;
        if (a.flag("skip-train")) {
            r = MiniLmTrainer.load(out);
        } else {
            r = MiniLmTrainer.train(config, settings, d.train(), out, false, System.out);
        }
        System.out.printf(Locale.ROOT, "[bench] TRAIN recipe=%s fine_tune_s=%.1f (%d texts) feature_s=%.1f (%d texts, "
                        + "%.1f texts/s) heads_s=%.1f total_training_s=%.1f peak_rss_mib=%.0f load=%s%n",
                recipe, r.fineTuneSeconds(), r.fineTuneTexts(), r.featureSeconds(), r.headTrainTexts(),
                r.featureTextsPerSecond(), r.headSeconds(), r.trainingSeconds(), Rss.peakMiB(),
                Files.readString(Path.of("/proc/loadavg")).trim());
        StagedModel m = r.earlyExitModel();
        long e0 = System.nanoTime();
        ExitOutputs test;
        if (a.has("outputs")) {
            // the test outputs of this very model, exported earlier (eenn reproduce's outputs-test.npz)
            test = org.eennrc.core.ExitOutputsNpz.read(Path.of(a.get("outputs", null)));
            if (test.numSamples() != d.test().size() || !Arrays.equals(test.labels(), d.test().labels())) {
                throw new IllegalArgumentException("--outputs " + a.get("outputs", null) + " is not the test split");
            }
        } else {
            test = m.outputs(d.test().iterator(64));
            Exporter.write(test, out.resolve("test-outputs.npz"));
        }
        double exportSecs = (System.nanoTime() - e0) / 1e9;
        double[] acc = test.accuracyPerExit();
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l < acc.length; l++) {
            sb.append(String.format(Locale.ROOT, " exit%d=%.4f", l + 1, acc[l]));
        }
        System.out.printf(Locale.ROOT, "[bench] RESULT recipe=%s test_acc:%s export_s=%.1f (%.1f texts/s, all exits, "
                        + "batch 64) peak_rss_mib=%.0f load=%s%n", recipe, sb, exportSecs, test.numSamples() / exportSecs,
                Rss.peakMiB(), Files.readString(Path.of("/proc/loadavg")).trim());
        if (a.flag("speed")) {
            TransformerBench.speedup(m, d.test(), test, ControllerRegistry.create().get("crc"), LambdaGrid.standard(),
                    ConfidenceMeasures.MAX_SOFTMAX, 0.05, out, new int[] {64, 1}, a.getInt("speed-texts", 640),
                    a.getInt("speed-texts-b1", 64), 2);
            versusOnnxRuntime(m, d.test().head(a.getInt("ort-texts", 640)), testTexts.subList(0,
                    Math.min(testTexts.size(), a.getInt("ort-texts", 640))), out);
        }
        System.out.printf(Locale.ROOT, "[bench] total_wall_s=%.1f peak_rss_mib=%.0f%n", (System.nanoTime() - t0) / 1e9,
                Rss.peakMiB());
    }

    /**
     * Texts/s at batch 64 of the SameDiff encoder (the full model of the early-exit model: six layers and the last
     * head) against ONNX Runtime on the same ONNX file with the same padded ids and masks (batch 64, 2 intra-op
     * threads), and against langchain4j's {@code embedAll} (its own tokenizer, one unpadded text per ORT call). Best
     * of 2 timed runs each after a warm-up.
     */
    static void versusOnnxRuntime(StagedModel m, EncodedTexts texts, List<String> raw, Path out)
            throws IOException, OrtException {
        int batch = 64;
        int n = texts.size();
        EarlyExitPredictor p = m.predictor();
        p.fullModel(texts.head(batch).iterator(batch));
        double ours = Double.MAX_VALUE;
        for (int rep = 0; rep < 2; rep++) {
            ours = Math.min(ours, p.fullModel(texts.iterator(batch)).seconds());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] onnx;
        try (InputStream in = MiniLm.class.getResourceAsStream(MiniLm.ONNX_RESOURCE)) {
            onnx = in.readAllBytes();
        }
        double ort = Double.MAX_VALUE;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(2);
            so.setInterOpNumThreads(1);
            try (OrtSession s = env.createSession(onnx, so)) {
                ortPass(env, s, texts, batch, batch);
                for (int rep = 0; rep < 2; rep++) {
                    long t = System.nanoTime();
                    ortPass(env, s, texts, batch, n);
                    ort = Math.min(ort, (System.nanoTime() - t) / 1e9);
                }
            }
        }
        AllMiniLmL6V2EmbeddingModel lc = new AllMiniLmL6V2EmbeddingModel();
        List<TextSegment> segs = new ArrayList<>();
        for (String t : raw) {
            segs.add(TextSegment.from(t));
        }
        lc.embedAll(segs.subList(0, Math.min(segs.size(), batch)));
        double lcs = Double.MAX_VALUE;
        for (int rep = 0; rep < 2; rep++) {
            long t = System.nanoTime();
            lc.embedAll(segs);
            lcs = Math.min(lcs, (System.nanoTime() - t) / 1e9);
        }
        String line = String.format(Locale.ROOT, "[bench] VS-ORT n=%d batch=%d length=%d: SameDiff encoder %.1f texts/s,"
                        + " ONNX Runtime (same ids, batch %d) %.1f texts/s, ratio SameDiff/ORT %.3f; langchain4j "
                        + "embedAll (ORT, unpadded, one text per call) %.1f texts/s, ratio %.3f; load=%s%n", n, batch,
                texts.maxLength(), n / ours, batch, n / ort, ort / ours, raw.size() / lcs, (lcs / raw.size()) / (ours / n),
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.print(line);
        Files.writeString(out.resolve("speedup.txt"), line, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private static void ortPass(OrtEnvironment env, OrtSession s, EncodedTexts texts, int batch, int n)
            throws OrtException {
        int t = texts.maxLength();
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            long[][] ids = new long[to - from][t];
            long[][] mask = new long[to - from][t];
            long[][] type = new long[to - from][t];
            for (int j = from; j < to; j++) {
                int[] row = texts.ids()[j];
                for (int k = 0; k < t; k++) {
                    ids[j - from][k] = row[k];
                    mask[j - from][k] = row[k] == WordPieceTokenizer.PAD_ID ? 0 : 1;
                }
            }
            try (OnnxTensor a = OnnxTensor.createTensor(env, ids);
                 OnnxTensor b = OnnxTensor.createTensor(env, mask);
                 OnnxTensor c = OnnxTensor.createTensor(env, type);
                 OrtSession.Result r = s.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
                float[][][] h = (float[][][]) r.get(0).getValue();
                if (h.length != to - from) {
                    throw new IllegalStateException("ONNX Runtime returned " + h.length + " rows");
                }
            }
        }
    }
}
