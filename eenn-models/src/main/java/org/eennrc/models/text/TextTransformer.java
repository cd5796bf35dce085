package org.eennrc.models.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.eennrc.models.ExitStage;
import org.eennrc.models.SameDiffStage;
import org.eennrc.models.StagedModel;
import org.eennrc.models.train.TrainConfig;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A BERT-like pre-layer-norm transformer encoder in SameDiff with an exit after every block.
 *
 * <pre>
 * h0 = E_tok[ids] + E_pos                                  (B, T, d)
 * block b:  h = h + Wo·MHA(LN1(h), mask) ;  h = h + W2·relu(W1·LN2(h))
 * exit b:   p_b = softmax( Wc_b · LNe_b(maskedMean(h)) + bc_b )
 * </pre>
 *
 * Multi-head attention is written from {@code mmul} and {@code softmax} (rank-4 batched products), with the
 * padding mask added as −1e9 to the scores of padded keys; pooling averages the non-padding positions only. So a
 * padding position never influences a real one, and the output does not depend on the padding tokens.
 *
 * <p>Traps of DL4J 1.0.0-M2.1 avoided on purpose (docs/dl4j-notes.md): the training graph embeds by
 * {@code oneHot(ids)·E} (the backward pass of {@code gather} fails, with 2-D and with 1-D indices); the inference
 * graphs use {@code gather} (forward only, exactly the same rows); every affine map is {@code x.mmul(W).add(b)},
 * never {@code sd.nn.linear}.
 *
 * <p>Measured on this machine (profiling listener): the backward pass of a broadcasting {@code multiply} is very
 * slow in M2.1 (half of a training step went to {@code multiply_bp} when layer norm and masked pooling were written
 * with broadcast multiplies). So layer norm is the native {@code layer_norm} op (gain and bias of shape [d],
 * checked against the written-out formula in a test) and masked mean pooling is a batched product
 * mask[B,1,T] · h[B,T,d]. That made a training step about 4× faster.
 *
 * <p>Variable names: {@code tok_emb}, {@code pos_emb}; block b: {@code b{b}_ln1_g}, … {@code b{b}_w2};
 * exit b: {@code e{b}_ln_g}, {@code e{b}_ln_b}, {@code e{b}_w}, {@code e{b}_b}. Training graph placeholders:
 * {@code ids} (INT32, [B, T]), {@code mask} (FLOAT, [B, T], 1 for real tokens), {@code labels} (FLOAT, one-hot
 * [B, C]) and, when trained with dropout, the masks {@code drop0} … {@code drop{2L}}; outputs {@code probs{b}},
 * loss {@code loss}.
 */
public final class TextTransformer {
    public static final String IDS = "ids";
    public static final String MASK = "mask";
    public static final String LABELS = "labels";
    public static final String HIDDEN_IN = "h_in";
    public static final String LOSS = "loss";
    /** Prefix of the dropout-mask placeholders of the training graph ({@code drop0} … {@code drop{2L}}). */
    public static final String DROP = "drop";
    static final double MASK_NEG = -1e9;
    static final double LN_EPS = 1e-5;

    private TextTransformer() {
    }

    public static String probsName(int b) {
        return "probs" + b;
    }

    public static String hiddenName(int b) {
        return "h" + b;
    }

    /** Source of parameters by name and shape: fresh initial values, or trained arrays. */
    interface Params {
        SDVariable get(SameDiff sd, String name, long... shape);
    }

    /** Seeded initial parameters (java.util.Random, independent of ND4J's RNG). */
    public static Map<String, INDArray> initialParameters(TransformerConfig c) {
        Random r = new Random(c.seed());
        Map<String, INDArray> m = new LinkedHashMap<>();
        int d = c.dModel();
        m.put("tok_emb", gaussian(r, 0.1, c.vocabSize(), d));
        m.put("pos_emb", gaussian(r, 0.1, c.maxLength(), d));
        double residualScale = 1.0 / Math.sqrt(2.0 * c.blocks());
        for (int b = 0; b < c.blocks(); b++) {
            String p = "b" + b + "_";
            m.put(p + "ln1_g", Nd4j.ones(DataType.FLOAT, d));
            m.put(p + "ln1_b", Nd4j.zeros(DataType.FLOAT, d));
            for (String w : new String[] {"wq", "wk", "wv"}) {
                m.put(p + w, gaussian(r, 1.0 / Math.sqrt(d), d, d));
                m.put(p + "b" + w.substring(1), Nd4j.zeros(DataType.FLOAT, 1, d));
            }
            m.put(p + "wo", gaussian(r, residualScale / Math.sqrt(d), d, d));
            m.put(p + "bo", Nd4j.zeros(DataType.FLOAT, 1, d));
            m.put(p + "ln2_g", Nd4j.ones(DataType.FLOAT, d));
            m.put(p + "ln2_b", Nd4j.zeros(DataType.FLOAT, d));
            m.put(p + "w1", gaussian(r, Math.sqrt(2.0 / d), d, c.ffDim()));
            m.put(p + "b1", Nd4j.zeros(DataType.FLOAT, 1, c.ffDim()));
            m.put(p + "w2", gaussian(r, residualScale / Math.sqrt(c.ffDim()), c.ffDim(), d));
            m.put(p + "b2", Nd4j.zeros(DataType.FLOAT, 1, d));
            String e = "e" + b + "_";
            m.put(e + "ln_g", Nd4j.ones(DataType.FLOAT, d));
            m.put(e + "ln_b", Nd4j.zeros(DataType.FLOAT, d));
            m.put(e + "w", gaussian(r, 1.0 / Math.sqrt(d), d, c.numClasses()));
            m.put(e + "b", Nd4j.zeros(DataType.FLOAT, 1, c.numClasses()));
        }
        return m;
    }

    private static INDArray gaussian(Random r, double std, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c');
    }

    /**
     * The training graph: all blocks and exits, loss = Σ_b w_b · CE(labels, logits_b) (mean over the batch), joint
     * exit training, no weight decay, no dropout.
     *
     * @param weights per-exit loss weights, null for all 1
     */
    public static SameDiff buildTraining(TransformerConfig c, Map<String, INDArray> params, IUpdater updater,
                                         double[] weights) {
        return buildTraining(c, params, updater, TrainConfig.builder().exitWeights(weights).build());
    }

    /**
     * The training graph with the training settings of {@code train} that shape it:
     * <ul>
     * <li>{@link TrainConfig#exitWeights()}: loss = Σ_b w_b · CE_b;</li>
     * <li>{@link TrainConfig#weightDecay()}: decoupled weight decay (SameDiff's {@code WeightDecay} with the
     * learning rate applied, like the ResNet trainer's) on every parameter;</li>
     * <li>{@link TrainConfig#exitTraining()}: with {@code DETACHED} the heads of exits 1..L-1 read the hidden state
     * through a stop-gradient, so only the last exit's loss reaches the blocks and the embeddings (each head still
     * learns from its own loss);</li>
     * <li>{@link TrainConfig#dropout()} &gt; 0: the embedding output and the output of every attention and
     * feed-forward branch (before its residual addition) are multiplied by mask placeholders {@code drop0} …
     * {@code drop{2L}} ({@link #dropoutMasks}). M2.1's dropout ops cannot be trained through (their backward pass
     * throws), but an elementwise product with a mask drawn in Java is plain arithmetic; the rate lives in the
     * masks, and the inference graphs ({@link #buildBlock}) have no dropout.</li>
     * </ul>
     * The updater (with its learning-rate schedule) is passed in since it depends on the run's length.
     */
    public static SameDiff buildTraining(TransformerConfig c, Map<String, INDArray> params, IUpdater updater,
                                         TrainConfig train) {
        double[] weights = train.exitWeights();
        double weightDecay = train.weightDecay();
        TrainConfig.ExitTraining exits = train.exitTraining();
        if (weights != null && weights.length != c.blocks()) {
            throw new IllegalArgumentException("need " + c.blocks() + " exit weights, got " + weights.length);
        }
        SameDiff sd = SameDiff.create();
        Params src = (s, name, shape) -> {
            INDArray a = params.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no parameter " + name);
            }
            return s.var(name, a);
        };
        int t = c.maxLength();
        SDVariable ids = sd.placeHolder(IDS, DataType.INT32, -1, t);
        SDVariable mask = sd.placeHolder(MASK, DataType.FLOAT, -1, t);
        SDVariable labels = sd.placeHolder(LABELS, DataType.FLOAT, -1, c.numClasses());
        SDVariable tok = src.get(sd, "tok_emb");
        // one-hot · E: the backward pass of gather fails in M2.1 (checked again here with 1-D indices too)
        SDVariable oneHot = sd.oneHot(ids, c.vocabSize(), -1, 1.0, 0.0, DataType.FLOAT); // [B, T, V]
        SDVariable emb = sd.reshape(sd.mmul(sd.reshape(oneHot, -1, c.vocabSize()), tok), -1, t, c.dModel());
        SDVariable h = emb.add(src.get(sd, "pos_emb"));
        SDVariable[] drops = null;
        if (train.dropout() > 0) {
            drops = new SDVariable[dropoutSites(c)];
            drops[0] = sd.placeHolder(dropName(0), DataType.FLOAT, -1, c.maxLength(), c.dModel());
            for (int k = 1; k < drops.length; k++) {
                drops[k] = sd.placeHolder(dropName(k), DataType.FLOAT, -1, c.dModel());
            }
            h = h.mul(drops[0]);
        }
        Masks mk = masks(sd, c, mask);
        SDVariable total = null;
        for (int b = 0; b < c.blocks(); b++) {
            h = block(sd, c, src, h, mk, b, drops);
            boolean detach = exits == TrainConfig.ExitTraining.DETACHED && b < c.blocks() - 1;
            SDVariable headIn = detach ? new StopGradient(sd, h).outputVariable() : h;
            SDVariable logits = exitLogits(sd, c, src, headIn, mk, b);
            sd.nn.softmax(probsName(b), logits, 1);
            // The weight goes into the loss op: M2.1's loss ops ignore the gradient that flows into them (their
            // backward pass assumes they are the root), so l.mul(w) would scale the loss value but not its gradient.
            double w = weights == null ? 1.0 : weights[b];
            SDVariable wl = w == 1.0
                    ? sd.loss.softmaxCrossEntropy("loss" + b, labels, logits, null)
                    : sd.loss.softmaxCrossEntropy("loss" + b, labels, logits,
                            sd.constant("w" + b, Nd4j.scalar(DataType.FLOAT, (float) w)),
                            LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0); // Σ_i w·l_i / B = w · mean
            total = total == null ? wl : total.add(wl);
        }
        total.rename(LOSS);
        sd.setLossVariables(LOSS);
        TrainingConfig.Builder tc = TrainingConfig.builder()
                .updater(updater)
                .dataSetFeatureMapping(featureNames(c, train.dropout() > 0))
                .dataSetLabelMapping(LABELS);
        if (weightDecay > 0) {
            tc.weightDecay(weightDecay, true);
        }
        sd.setTrainingConfig(tc.build());
        return sd;
    }

    /**
     * The inference graph of block b alone, on trained parameters (copied): inputs {@code ids} (b = 0) or
     * {@code h_in} ([B, T, d], b > 0) and {@code mask}; outputs {@code h{b}} and {@code probs{b}}. Chaining the
     * graphs b = 0..L-1 computes what the training graph computes.
     */
    public static SameDiff buildBlock(TransformerConfig c, Map<String, INDArray> params, int b) {
        SameDiff sd = SameDiff.create();
        Params src = (s, name, shape) -> {
            INDArray a = params.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no parameter " + name);
            }
            return s.var(name, a.dup());
        };
        int t = c.maxLength();
        SDVariable mask = sd.placeHolder(MASK, DataType.FLOAT, -1, t);
        SDVariable h;
        if (b == 0) {
            SDVariable ids = sd.placeHolder(IDS, DataType.INT32, -1, t);
            h = sd.gather(src.get(sd, "tok_emb"), ids, 0).add(src.get(sd, "pos_emb")); // [B, T, d]
        } else {
            h = sd.placeHolder(HIDDEN_IN, DataType.FLOAT, -1, t, c.dModel());
        }
        Masks mk = masks(sd, c, mask);
        h = block(sd, c, src, h, mk, b, null);
        h = sd.identity(hiddenName(b), h);
        SDVariable logits = exitLogits(sd, c, src, h, mk, b);
        sd.nn.softmax(probsName(b), logits, 1);
        return sd;
    }

    /**
     * The trained transformer as an early-exit model: one {@link SameDiffStage} per block ({@link #buildBlock}),
     * reading the ids (feature 0) and their padding mask (its mask) of a batch, block b > 1 reading block b − 1's
     * hidden state. Real early exit therefore runs block by block and only the texts still running go on; the cost
     * per exit is counted from the block graphs.
     */
    public static StagedModel earlyExitModel(TransformerConfig c, Map<String, INDArray> params) {
        int t = c.maxLength();
        Map<String, INDArray> ids = Map.of(IDS, Nd4j.zeros(DataType.INT32, 1, t), MASK, Nd4j.ones(DataType.FLOAT, 1, t));
        Map<String, INDArray> hidden = Map.of(HIDDEN_IN, Nd4j.zeros(DataType.FLOAT, 1, t, c.dModel()),
                MASK, Nd4j.ones(DataType.FLOAT, 1, t));
        List<ExitStage> stages = new ArrayList<>();
        for (int b = 0; b < c.blocks(); b++) {
            boolean last = b == c.blocks() - 1;
            Map<String, String> in = new LinkedHashMap<>();
            in.put(b == 0 ? IDS : HIDDEN_IN, b == 0 ? IDS : hiddenName(b - 1));
            in.put(MASK, MASK);
            Map<String, String> out = last ? Map.of() : Map.of(hiddenName(b), hiddenName(b));
            stages.add(SameDiffStage.of(buildBlock(c, params, b), in, out, probsName(b), hiddenName(b),
                    b == 0 ? ids : hidden));
        }
        return StagedModel.of(List.of(IDS), List.of(MASK), stages, c.numClasses());
    }

    /**
     * Derived mask tensors: additive attention mask [B,1,1,T], pooling weights [B,1,T] and their sums [B,1]. Mean
     * pooling weighs the non-padding positions by 1; {@code [CLS]} pooling weighs position 0 (always a real token) by
     * 1 and the rest by 0, so both poolings are the same batched product (whose backward pass is fast, unlike a
     * broadcast multiply's).
     */
    record Masks(SDVariable attnAdd, SDVariable pool, SDVariable count) {
    }

    static Masks masks(SameDiff sd, TransformerConfig c, SDVariable mask) {
        int t = c.maxLength();
        SDVariable add = sd.reshape(mask.sub(1.0).mul(-MASK_NEG), -1, 1, 1, t);
        SDVariable weights = mask;
        if (c.pooling() == TransformerConfig.Pooling.CLS) {
            float[] first = new float[t];
            first[0] = 1f;
            weights = mask.mul(sd.constant(Nd4j.create(first, new long[] {1, t}, 'c')));
        }
        SDVariable pool = sd.reshape(weights, -1, 1, t);
        SDVariable count = weights.sum(true, 1);
        return new Masks(add, pool, count);
    }

    static SDVariable layerNorm(SameDiff sd, SDVariable x2, SDVariable g, SDVariable beta) {
        return sd.nn.layerNorm(x2, g, beta, false, 1);
    }

    /** Layer norm written out (the reference for the native op in tests). */
    static SDVariable manualLayerNorm(SameDiff sd, SDVariable x2, SDVariable g, SDVariable beta) {
        SDVariable mu = x2.mean(true, 1);
        SDVariable xc = x2.sub(mu);
        SDVariable var = xc.mul(xc).mean(true, 1);
        SDVariable inv = sd.math.rsqrt(var.add(LN_EPS));
        return xc.mul(inv).mul(g).add(beta);
    }

    static SDVariable affine(SDVariable x2, SDVariable w, SDVariable b) {
        return x2.mmul(w).add(b);
    }

    /** Number of dropout sites of the training graph: the embedding, then two per block. */
    public static int dropoutSites(TransformerConfig c) {
        return 1 + 2 * c.blocks();
    }

    public static String dropName(int site) {
        return DROP + site;
    }

    /** The training graph's feature placeholders in {@code MultiDataSet} order. */
    public static String[] featureNames(TransformerConfig c, boolean dropout) {
        String[] f = new String[2 + (dropout ? dropoutSites(c) : 0)];
        f[0] = IDS;
        f[1] = MASK;
        for (int k = 2; k < f.length; k++) {
            f[k] = dropName(k - 2);
        }
        return f;
    }

    /**
     * Inverted-dropout masks for one batch of {@code batch} sequences: each entry is 0 with probability p and
     * 1/(1 − p) otherwise, so the expected activation is unchanged and inference needs no rescaling. Site 0 is
     * [B, T, d] (the embeddings), sites 1.. are [B·T, d] (the block's rows), all drawn from {@code r}.
     */
    public static INDArray[] dropoutMasks(TransformerConfig c, int batch, double p, java.util.SplittableRandom r) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("dropout rate must be in (0, 1), got " + p);
        }
        int rows = batch * c.maxLength();
        int d = c.dModel();
        float keep = (float) (1.0 / (1.0 - p));
        INDArray[] m = new INDArray[dropoutSites(c)];
        for (int k = 0; k < m.length; k++) {
            float[] v = new float[rows * d];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble() < p ? 0f : keep;
            }
            m[k] = k == 0 ? Nd4j.create(v, new long[] {batch, c.maxLength(), d}, 'c')
                    : Nd4j.create(v, new long[] {rows, d}, 'c');
        }
        return m;
    }

    /** One pre-LN block on h [B, T, d]; {@code drops} (null: none) holds the training graph's dropout masks. */
    static SDVariable block(SameDiff sd, TransformerConfig c, Params src, SDVariable h, Masks mk, int b,
                            SDVariable[] drops) {
        int t = c.maxLength();
        int d = c.dModel();
        int heads = c.heads();
        int dh = c.headDim();
        String p = "b" + b + "_";
        SDVariable x2 = sd.reshape(h, -1, d);
        SDVariable a = layerNorm(sd, x2, src.get(sd, p + "ln1_g"), src.get(sd, p + "ln1_b"));
        SDVariable q = splitHeads(sd, affine(a, src.get(sd, p + "wq"), src.get(sd, p + "bq")), t, heads, dh);
        SDVariable k = splitHeads(sd, affine(a, src.get(sd, p + "wk"), src.get(sd, p + "bk")), t, heads, dh);
        SDVariable v = splitHeads(sd, affine(a, src.get(sd, p + "wv"), src.get(sd, p + "bv")), t, heads, dh);
        SDVariable scores = sd.mmul(q, sd.permute(k, 0, 1, 3, 2)).mul(1.0 / Math.sqrt(dh)); // [B, H, T, T]
        SDVariable att = sd.nn.softmax(scores.add(mk.attnAdd()), 3);
        SDVariable o = sd.mmul(att, v); // [B, H, T, dh]
        SDVariable o2 = sd.reshape(sd.permute(o, 0, 2, 1, 3), -1, d);
        SDVariable att2 = affine(o2, src.get(sd, p + "wo"), src.get(sd, p + "bo"));
        x2 = x2.add(drops == null ? att2 : att2.mul(drops[1 + 2 * b]));
        SDVariable f = layerNorm(sd, x2, src.get(sd, p + "ln2_g"), src.get(sd, p + "ln2_b"));
        f = sd.nn.relu(affine(f, src.get(sd, p + "w1"), src.get(sd, p + "b1")), 0);
        SDVariable ff2 = affine(f, src.get(sd, p + "w2"), src.get(sd, p + "b2"));
        x2 = x2.add(drops == null ? ff2 : ff2.mul(drops[2 + 2 * b]));
        return sd.reshape(x2, -1, t, d);
    }

    static SDVariable splitHeads(SameDiff sd, SDVariable x2, int t, int heads, int dh) {
        return sd.permute(sd.reshape(x2, -1, t, heads, dh), 0, 2, 1, 3);
    }

    /**
     * Exit head b on h [B, T, d]: pooling ({@link TransformerConfig.Pooling}: masked mean, or the {@code [CLS]}
     * position), layer norm of the pooled vector, linear classifier; logits [B, C]. (Pooling first makes the head's
     * layer norm T times cheaper.)
     */
    static SDVariable exitLogits(SameDiff sd, TransformerConfig c, Params src, SDVariable h, Masks mk, int b) {
        int d = c.dModel();
        String e = "e" + b + "_";
        // weighted mean as a batched product [B,1,T]·[B,T,d] (a broadcast multiply has a very slow backward pass)
        SDVariable pooled = sd.reshape(sd.mmul(mk.pool(), h), -1, d).div(mk.count()); // [B, d]
        SDVariable n = layerNorm(sd, pooled, src.get(sd, e + "ln_g"), src.get(sd, e + "ln_b"));
        return affine(n, src.get(sd, e + "w"), src.get(sd, e + "b"));
    }

    /** The current parameter arrays of a training graph, by name (live views, not copies). */
    public static Map<String, INDArray> parameters(SameDiff sd) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                m.put(v.name(), v.getArr());
            }
        }
        return m;
    }
}
