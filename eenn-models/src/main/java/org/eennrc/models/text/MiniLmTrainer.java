package org.eennrc.models.text;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.EarlyExitModel;
import org.eennrc.models.ExitStage;
import org.eennrc.models.ModelIO;
import org.eennrc.models.SameDiffStage;
import org.eennrc.models.StagedModel;
import org.eennrc.models.internal.BatchIterator;
import org.eennrc.models.train.EarlyExitTrainer;
import org.eennrc.models.train.EpochData;
import org.eennrc.models.train.Permutation;
import org.eennrc.models.train.TrainConfig;
import org.eennrc.models.train.TrainableNetwork;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.risk.io.AtomicFiles;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training recipes for the pretrained {@link MiniLm} with an exit after every layer, on the shared training loop
 * ({@link EarlyExitTrainer}: progress, checkpoints, resume).
 *
 * <ul>
 * <li>{@link Recipe#FROZEN}: the pretrained encoder is frozen; every layer's masked-mean pooled hidden state is
 * computed once per training text ({@link #features}) and the six exit heads (layer norm + linear classifier) are
 * trained on these cached features. Fast: one forward pass of the encoder per training text.</li>
 * <li>{@link Recipe#DEEBERT}: DeeBERT's two stages (Xin et al., 2020). Stage 1 fine-tunes the encoder (all but the
 * word-embedding table, see {@link MiniLm#buildFineTune}) with the last exit's head only; stage 2 freezes the
 * fine-tuned encoder and trains the other heads as in {@code FROZEN}, on features of the fine-tuned encoder. Before
 * stage 1 the last head is trained on the frozen encoder's features of as many other training texts (linear probing,
 * then fine-tuning): with a budget of a few hundred steps, a randomly initialised head would take most of them.</li>
 * </ul>
 *
 * <p>Sizes: {@code heads.maxTrainImages()} texts (a seeded random subset of the training split, 0: all) train the
 * heads; {@code fineTune.maxTrainImages()} texts (a seeded subset) fine-tune the encoder. Layout of {@code outDir}:
 * {@code heads.sd} (the heads' parameters), for DeeBERT {@code encoder.sd} (the fine-tuned encoder), {@code model.json}
 * ({@link ModelIO#writeDescription}, type {@value #TYPE}, with the {@link Settings}), {@code checkpoints/} and
 * {@code finetune/checkpoints/}.
 */
public final class MiniLmTrainer {
    public static final String TYPE = "minilm";
    public static final String HEADS_FILE = "heads.sd";
    public static final String ENCODER_FILE = "encoder.sd";

    private MiniLmTrainer() {
    }

    /** How the exits are trained. */
    public enum Recipe {
        /** Heads on the frozen pretrained encoder (cached features). */
        @JsonProperty("frozen") FROZEN,
        /** DeeBERT: fine-tune the encoder with the last head, then freeze it and train the other heads. */
        @JsonProperty("deebert") DEEBERT
    }

    /**
     * A recipe and its two training configurations: {@code heads} for the exit heads on cached features,
     * {@code fineTune} for DeeBERT's first stage (ignored by {@code FROZEN}).
     */
    public record Settings(Recipe recipe, TrainConfig heads, TrainConfig fineTune) {
        public Settings {
            org.eennrc.models.internal.Checks.present("training.recipe", recipe, Recipe.class);
            java.util.Objects.requireNonNull(heads, "heads");
            java.util.Objects.requireNonNull(fineTune, "fineTune");
        }

        /**
         * The committed defaults (docs/transformer.md, "Pretrained MiniLM-L6"): heads trained 30 epochs (Adam 3e-3,
         * cosine, batch 256) on 20,000 training texts (frozen) or 6,000 (DeeBERT's second stage, which comes after
         * the fine-tuning in the same time budget); DeeBERT fine-tunes on 3,000 texts for 1 epoch (Adam 1e-4, 10 %
         * warm-up then cosine, batch 32, weight decay 0.01).
         */
        public static Settings defaults(Recipe recipe) {
            TrainConfig heads = TrainConfig.builder().epochs(30).batchSize(256).learningRate(3e-3)
                    .schedule(TrainConfig.Schedule.COSINE).warmupFraction(0)
                    .maxTrainImages(recipe == Recipe.DEEBERT ? 6_000 : 20_000).evalBatchSize(64).seed(42).build();
            TrainConfig ft = TrainConfig.builder().epochs(1).batchSize(32).learningRate(1e-4)
                    .schedule(TrainConfig.Schedule.COSINE).warmupFraction(0.1).weightDecay(0.01).maxTrainImages(3_000)
                    .seed(42).build();
            return new Settings(recipe, heads, ft);
        }
    }

    /** A trained model: the encoder (pretrained or fine-tuned) and the heads, with timings of the run. */
    public record Result(MiniLmConfig config, Settings settings, Map<String, INDArray> parameters, double layerNormEps,
                         double fineTuneSeconds, double featureSeconds, double featureTextsPerSecond,
                         double headSeconds, int headTrainTexts, int fineTuneTexts) {
        public StagedModel earlyExitModel() {
            return MiniLm.earlyExitModel(config, parameters, layerNormEps);
        }

        public double trainingSeconds() {
            return fineTuneSeconds + featureSeconds + headSeconds;
        }
    }

    /**
     * Runs a recipe. With {@code resume}, a finished model in {@code outDir} is loaded, an interrupted fine-tuning
     * continues from its newest checkpoint.
     *
     * @param log progress lines (null: stdout)
     */
    public static Result train(MiniLmConfig config, Settings s, EncodedTexts train, Path outDir, boolean resume,
                               PrintStream log) {
        Dl4jRuntime.init();
        PrintStream out = log != null ? log : System.out;
        if (train.maxLength() != config.maxLength()) {
            throw new IllegalArgumentException("texts are encoded to length " + train.maxLength() + ", the model needs "
                    + config.maxLength());
        }
        MiniLm.Pretrained pre = MiniLm.pretrained();
        Map<String, INDArray> encoder = new LinkedHashMap<>(pre.parameters());
        Map<String, INDArray> heads = new LinkedHashMap<>();
        double ftSeconds = 0;
        int ftTexts = 0;
        int[] headExits = MiniLm.allExits();
        if (s.recipe() == Recipe.DEEBERT) {
            EncodedTexts ftData = subset(train, s.fineTune());
            ftTexts = ftData.size();
            long t0 = System.nanoTime();
            // linear probing before fine-tuning: the last head starts from a head trained on the frozen encoder's
            // features of as many *other* training texts (the next ones of the same seeded permutation), so the few
            // fine-tuning steps move the encoder rather than a random head, and start from the loss the probe has on
            // texts it has not seen (a probe fitted to the fine-tuning texts themselves leaves little to learn)
            int last = config.numExits() - 1;
            EncodedTexts probeData = probeTexts(train, s.fineTune(), ftData.size());
            out.printf(Locale.ROOT, "[minilm] probe: the last head on frozen features of %d other training texts%n",
                    probeData.size());
            float[][] probeFeats = features(config, encoder, pre.layerNormEps(), probeData, s.heads().evalBatchSize(),
                    out);
            Map<String, INDArray> probe = trainHeads(config, s.heads(), probeFeats, probeData.labels(),
                    new int[] {last}, outDir.resolve("probe"), resume, out);
            Map<String, INDArray> tuned = fineTune(config, pre, probe, s.fineTune(), ftData, outDir.resolve("finetune"),
                    resume, out);
            ftSeconds = (System.nanoTime() - t0) / 1e9;
            for (Map.Entry<String, INDArray> e : tuned.entrySet()) {
                if (e.getKey().startsWith("e" + last + "_")) {
                    heads.put(e.getKey(), e.getValue());
                } else if (encoder.containsKey(e.getKey())) {
                    encoder.put(e.getKey(), e.getValue());
                }
            }
            headExits = java.util.Arrays.copyOf(headExits, last);
        }
        EncodedTexts headData = subset(train, s.heads());
        out.printf(Locale.ROOT, "[minilm] features of %d training texts, layers 1..%d%n", headData.size(),
                config.numExits());
        long t1 = System.nanoTime();
        float[][] feats = features(config, encoder, pre.layerNormEps(), headData, s.heads().evalBatchSize(), out);
        double featSeconds = (System.nanoTime() - t1) / 1e9;
        long t2 = System.nanoTime();
        heads.putAll(trainHeads(config, s.heads(), feats, headData.labels(), headExits, outDir, resume, out));
        double headSeconds = (System.nanoTime() - t2) / 1e9;
        Map<String, INDArray> all = new LinkedHashMap<>(encoder);
        all.putAll(heads);
        Result r = new Result(config, s, all, pre.layerNormEps(), ftSeconds, featSeconds,
                headData.size() / Math.max(1e-9, featSeconds), headSeconds, headData.size(), ftTexts);
        save(r, outDir);
        return r;
    }

    /**
     * The n training texts after the fine-tuning subset in the same seeded permutation ({@link EncodedTexts#sample}
     * takes the first n), so disjoint from it; fewer when the split is small.
     */
    static EncodedTexts probeTexts(EncodedTexts train, TrainConfig c, int n) {
        int[] perm = Permutation.of(train.size(), new Random(c.seed()));
        int from = Math.min(n, train.size());
        int to = Math.min(train.size(), from + n);
        if (to <= from) {
            throw new IllegalArgumentException("no training texts left for the probe: the fine-tuning subset takes all "
                    + train.size() + "; lower training.fine_tune max_train_images");
        }
        int[] idx = java.util.Arrays.copyOfRange(perm, from, to);
        java.util.Arrays.sort(idx);
        return train.subset(idx);
    }

    private static EncodedTexts subset(EncodedTexts train, TrainConfig c) {
        return c.maxTrainImages() > 0 && c.maxTrainImages() < train.size() ? train.sample(c.maxTrainImages(), c.seed())
                : train;
    }

    /**
     * Every layer's masked-mean pooled hidden state of every text, computed once with the encoder frozen:
     * {@code [layer][text · d + k]}.
     */
    public static float[][] features(MiniLmConfig c, Map<String, INDArray> encoder, double eps, EncodedTexts texts,
                                     int batch, PrintStream out) {
        SameDiff sd = MiniLm.buildFeatures(c, encoder, eps);
        int n = texts.size();
        int d = MiniLmConfig.HIDDEN;
        float[][] f = new float[c.numExits()][n * d];
        List<String> names = new java.util.ArrayList<>();
        for (int b = 0; b < c.numExits(); b++) {
            names.add(MiniLm.pooledName(b));
        }
        long t0 = System.nanoTime();
        long lastReport = t0;
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            Map<String, INDArray> o = sd.output(Map.of(MiniLm.IDS, texts.idsBatch(null, from, to), MiniLm.MASK,
                    texts.maskBatch(null, from, to)), names);
            for (int b = 0; b < c.numExits(); b++) {
                float[] v = o.get(names.get(b)).dup('c').data().asFloat();
                System.arraycopy(v, 0, f[b], from * d, (to - from) * d);
            }
            long now = System.nanoTime();
            if (out != null && (now - lastReport > 15e9 || to == n)) {
                lastReport = now;
                double secs = (now - t0) / 1e9;
                out.printf(Locale.ROOT, "[minilm] features %d/%d texts, %.1f texts/s, %.0f s%n", to, n, to / secs, secs);
            }
        }
        return f;
    }

    /** Trains the heads of {@code exits} on cached features (all heads at once; they share nothing). */
    static Map<String, INDArray> trainHeads(MiniLmConfig c, TrainConfig cfg, float[][] feats, int[] labels, int[] exits,
                                            Path outDir, boolean resume, PrintStream out) {
        int n = labels.length;
        int totalIters = (n + cfg.batchSize() - 1) / cfg.batchSize() * cfg.epochs();
        SameDiff sd = MiniLm.buildHeads(c, MiniLm.initialHeads(c, exits), exits, cfg.updater(totalIters));
        HeadsNetwork net = new HeadsNetwork(c, sd, exits);
        int d = MiniLmConfig.HIDDEN;
        EpochData data = EpochData.sized(n, epoch -> {
            int[] order = Permutation.of(n, new Random(cfg.seed() * 1_000_003L + epoch));
            return new BatchIterator(n, cfg.batchSize(), (from, to) -> {
                INDArray[] f = new INDArray[exits.length];
                for (int i = 0; i < exits.length; i++) {
                    float[] v = new float[(to - from) * d];
                    for (int j = from; j < to; j++) {
                        System.arraycopy(feats[exits[i]], order[j] * d, v, (j - from) * d, d);
                    }
                    f[i] = Nd4j.create(v, new long[] {to - from, d}, 'c');
                }
                INDArray y = Nd4j.zeros(DataType.FLOAT, to - from, c.numClasses());
                for (int j = from; j < to; j++) {
                    y.putScalar(j - from, labels[order[j]], 1.0);
                }
                return new MultiDataSet(f, new INDArray[] {y});
            });
        });
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("model", c);
        identity.put("exits", exits);
        identity.put("texts", n);
        if (out != null) {
            out.printf(Locale.ROOT, "[minilm] heads %s on %d texts: %s%n", java.util.Arrays.toString(exits), n, cfg);
        }
        EarlyExitTrainer.builder(net, data).settings(cfg, totalIters).resume(resume).progressSeconds(30)
                .standardListeners(null, outDir, identity, cfg, TrainingListener.printing(out, "texts")).train();
        Map<String, INDArray> m = new LinkedHashMap<>();
        MiniLm.parameters(net.sd).forEach((k, v) -> m.put(k, v.dup()));
        return m;
    }

    /** DeeBERT's first stage: the encoder and the last head trained on the last exit's loss. */
    static Map<String, INDArray> fineTune(MiniLmConfig c, MiniLm.Pretrained pre, Map<String, INDArray> lastHead,
                                          TrainConfig cfg, EncodedTexts train, Path outDir, boolean resume,
                                          PrintStream out) {
        int n = train.size();
        int totalIters = (n + cfg.batchSize() - 1) / cfg.batchSize() * cfg.epochs();
        Map<String, INDArray> start = new LinkedHashMap<>(pre.parameters());
        start.putAll(lastHead);
        SameDiff sd = MiniLm.buildFineTune(c, start, pre.layerNormEps(), cfg.updater(totalIters), cfg.weightDecay());
        INDArray table = pre.parameters().get("emb_word");
        FineTuneNetwork net = new FineTuneNetwork(c, sd, table, pre.layerNormEps());
        EpochData data = EpochData.sized(n, epoch -> {
            int[] order = Permutation.of(n, new Random(cfg.seed() * 1_000_003L + epoch));
            return new BatchIterator(n, cfg.batchSize(), (from, to) -> new MultiDataSet(
                    new INDArray[] {train.idsBatch(order, from, to), train.maskBatch(order, from, to)},
                    new INDArray[] {train.labelsBatch(order, from, to)}));
        });
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("model", c);
        identity.put("texts", n);
        out.printf(Locale.ROOT, "[minilm] fine-tuning the encoder with the last head on %d texts: %s%n", n, cfg);
        EarlyExitTrainer.builder(net, data).settings(cfg, totalIters).resume(resume).progressSeconds(30)
                .standardListeners(null, outDir, identity, cfg, TrainingListener.printing(out, "texts")).train();
        Map<String, INDArray> m = new LinkedHashMap<>();
        MiniLm.parameters(net.sd).forEach((k, v) -> m.put(k, v.dup()));
        return m;
    }

    /** The exit heads on cached features as a {@link TrainableNetwork}. */
    static final class HeadsNetwork extends SameDiffNetwork {
        private final MiniLmConfig config;
        private final int[] exits;
        private final String[] featureNames;

        HeadsNetwork(MiniLmConfig config, SameDiff sd, int[] exits) {
            super(sd);
            this.config = config;
            this.exits = exits.clone();
            this.featureNames = new String[exits.length];
            for (int i = 0; i < exits.length; i++) {
                featureNames[i] = MiniLm.featureName(exits[i]);
            }
        }

        @Override
        public double fit(org.nd4j.linalg.dataset.api.MultiDataSet batch, boolean measureLoss) {
            return fitFeeding(batch, measureLoss, featureNames, MiniLm.LABELS, MiniLm.LOSS);
        }

        @Override
        public long numParams() {
            return (long) exits.length * (2L * MiniLmConfig.HIDDEN + (MiniLmConfig.HIDDEN + 1L) * config.numClasses());
        }

        /** The heads on features: one stage per head, reading {@code f{b}} (feature i of a batch). */
        @Override
        public EarlyExitModel model() {
            List<String> names = new java.util.ArrayList<>();
            List<ExitStage> stages = new java.util.ArrayList<>();
            for (int b : exits) {
                names.add(MiniLm.featureName(b));
                stages.add(SameDiffStage.of(sd, Map.of(MiniLm.featureName(b), MiniLm.featureName(b)), Map.of(),
                        MiniLm.probsName(b), null,
                        Map.of(MiniLm.featureName(b), Nd4j.zeros(DataType.FLOAT, 1, MiniLmConfig.HIDDEN))));
            }
            return StagedModel.of(names, null, stages, config.numClasses());
        }
    }

    /** The fine-tuning graph as a {@link TrainableNetwork}: batches carry ids and mask; word embeddings looked up here. */
    static final class FineTuneNetwork extends SameDiffNetwork {
        private final MiniLmConfig config;
        private final INDArray table;
        private final double eps;

        FineTuneNetwork(MiniLmConfig config, SameDiff sd, INDArray table, double eps) {
            super(sd);
            this.config = config;
            this.table = table;
            this.eps = eps;
        }

        @Override
        public double fit(org.nd4j.linalg.dataset.api.MultiDataSet batch, boolean measureLoss) {
            INDArray wemb = MiniLm.wordEmbeddings(table, batch.getFeatures(0));
            INDArray mask = batch.getFeatures(1);
            double loss = Double.NaN;
            if (measureLoss) {
                loss = sd.output(Map.of(MiniLm.WORD_EMB, wemb, MiniLm.MASK, mask, MiniLm.LABELS, batch.getLabels(0)),
                        MiniLm.LOSS).get(MiniLm.LOSS).getDouble(0);
            }
            sd.fit(new MultiDataSet(new INDArray[] {wemb, mask}, batch.getLabels()));
            return loss;
        }

        @Override
        public long numParams() {
            long p = 0;
            for (INDArray a : MiniLm.parameters(sd).values()) {
                p += a.length();
            }
            return p;
        }

        @Override
        public EarlyExitModel model() {
            Map<String, INDArray> p = new LinkedHashMap<>(MiniLm.parameters(sd));
            p.put("emb_word", table);
            p.putAll(MiniLm.initialHeads(config, java.util.Arrays.copyOf(MiniLm.allExits(), config.numExits() - 1)));
            return MiniLm.earlyExitModel(config, p, eps);
        }
    }

    // ------------------------------------------------------------------ persistence

    /** What {@code model.json} holds besides the type. */
    public record Saved(MiniLmConfig model, Settings settings, double fineTuneSeconds, double featureSeconds,
                        double featureTextsPerSecond, double headSeconds, int headTrainTexts, int fineTuneTexts) {
    }

    static void save(Result r, Path dir) {
        Map<String, INDArray> heads = new LinkedHashMap<>();
        Map<String, INDArray> tuned = new LinkedHashMap<>();
        Map<String, INDArray> pre = MiniLm.pretrained().parameters();
        r.parameters().forEach((k, v) -> {
            if (k.startsWith("e")  && !k.startsWith("emb_")) {
                heads.put(k, v);
            } else if (r.settings().recipe() == Recipe.DEEBERT && !k.equals("emb_word") && pre.get(k) != v) {
                tuned.put(k, v);
            }
        });
        try {
            Files.createDirectories(dir);
            writeArrays(heads, dir.resolve(HEADS_FILE));
            if (!tuned.isEmpty()) {
                writeArrays(tuned, dir.resolve(ENCODER_FILE));
            }
            byte[] json = org.eennrc.models.SettingsJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("type", TYPE,
                    "saved", new Saved(r.config(), r.settings(), r.fineTuneSeconds(), r.featureSeconds(),
                            r.featureTextsPerSecond(), r.headSeconds(), r.headTrainTexts(), r.fineTuneTexts())));
            AtomicFiles.write(dir.resolve(ModelIO.CONFIG_FILE), o -> o.write(json));
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + dir, e);
        }
    }

    private static void writeArrays(Map<String, INDArray> arrays, Path file) throws IOException {
        SameDiff sd = SameDiff.create();
        arrays.forEach((k, v) -> sd.var(k, v.dup()));
        AtomicFiles.write(file, o -> sd.save(o, false));
    }

    /** Loads a model written by {@link #train}: the pretrained encoder from the jar, with the saved heads (and tuning). */
    public static Result load(Path dir) {
        Dl4jRuntime.init();
        Path json = dir.resolve(ModelIO.CONFIG_FILE);
        Path headsFile = dir.resolve(HEADS_FILE);
        if (!Files.isRegularFile(json) || !Files.isRegularFile(headsFile)) {
            throw new IllegalArgumentException("no trained MiniLM model at " + dir + " (needs " + ModelIO.CONFIG_FILE
                    + " and " + HEADS_FILE + ")");
        }
        try {
            com.fasterxml.jackson.databind.JsonNode doc = org.eennrc.models.SettingsJson.mapper().readTree(json.toFile());
            if (!TYPE.equals(doc.path("type").asText())) {
                throw new IllegalArgumentException(json + ": type: expected \"" + TYPE + "\", got \""
                        + doc.path("type").asText() + "\"");
            }
            Saved s = org.eennrc.models.SettingsJson.mapper().treeToValue(doc.path("saved"), Saved.class);
            MiniLm.Pretrained pre = MiniLm.pretrained();
            Map<String, INDArray> p = new LinkedHashMap<>(pre.parameters());
            if (s.settings().recipe() == Recipe.DEEBERT) {
                Path enc = dir.resolve(ENCODER_FILE);
                if (!Files.isRegularFile(enc)) {
                    throw new IllegalArgumentException("a DeeBERT model needs " + enc);
                }
                p.putAll(MiniLm.parameters(SameDiff.load(enc.toFile(), false)));
            }
            p.putAll(MiniLm.parameters(SameDiff.load(headsFile.toFile(), false)));
            return new Result(s.model(), s.settings(), p, pre.layerNormEps(), s.fineTuneSeconds(), s.featureSeconds(),
                    s.featureTextsPerSecond(), s.headSeconds(), s.headTrainTexts(), s.fineTuneTexts());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + json, e);
        }
    }
}
