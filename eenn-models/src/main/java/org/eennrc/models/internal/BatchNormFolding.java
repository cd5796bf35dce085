package org.eennrc.models.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Internal: the inference form of a DL4J graph with its batch norms folded into the convolutions before them.
 *
 * <p>At inference a batch-norm layer is a fixed per-channel affine map {@code y = a·x + b}. After a convolution
 * {@code x = W∗u + c} it can be absorbed: {@code y = (a·W)∗u + (a·c + b)}, one convolution with a bias and no
 * separate pass over the activations. When an {@link ActivationLayer} is the batch norm's only consumer, its
 * activation becomes the convolution's, which removes one more pass. The affine map is read off the trained layer by
 * evaluating it in inference mode on inputs 0 and 1 (and checked on −1), so it does not depend on how DL4J stores the
 * statistics (variance or log standard deviation, locked γ/β, ε).
 *
 * <p>What is folded: a {@link BatchNormalization} vertex whose single input is a plain 2-D {@link ConvolutionLayer}
 * (exactly that class: no depthwise, separable, 1-D or transposed convolution, whose weights are laid out
 * differently) with the identity activation, NCHW data format, and no consumer other than the batch norm (not a
 * network output either); neither the batch norm nor an absorbed activation layer may have an input preprocessor.
 * Every other batch norm is kept as it is and listed by {@link #unfolded()}.
 *
 * <p>Names: the fused convolution takes the name of the last vertex it absorbs (the batch norm, or the activation
 * layer). Every consumer, network output and stage boundary therefore keeps referring to the same name, so the
 * stage split of the folded graph ({@link GraphSplit}) has the same inputs and produced arrays as the original's; the
 * names of the absorbed convolutions disappear, and they could not be referred to from elsewhere since they fed only
 * their batch norm.
 */
public final class BatchNormFolding {

    /** One fused vertex: convolution {@code conv}, batch norm {@code batchNorm}, optional activation layer. */
    public record Fusion(String name, String conv, String batchNorm, String activation) {
    }

    private final ComputationGraphConfiguration folded;
    private final Map<String, Fusion> fusions;
    private final List<String> unfolded;

    private BatchNormFolding(ComputationGraphConfiguration folded, Map<String, Fusion> fusions, List<String> unfolded) {
        this.folded = folded;
        this.fusions = fusions;
        this.unfolded = unfolded;
    }

    /** The folded configuration of {@code conf} (which is not changed). */
    public static BatchNormFolding of(ComputationGraphConfiguration conf) {
        Map<String, GraphVertex> vertices = conf.getVertices();
        Map<String, List<String>> inputsOf = conf.getVertexInputs();
        Map<String, List<String>> consumers = new HashMap<>();
        for (Map.Entry<String, List<String>> e : inputsOf.entrySet()) {
            for (String u : e.getValue()) {
                consumers.computeIfAbsent(u, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        Set<String> outputs = new HashSet<>(conf.getNetworkOutputs());
        Map<String, Fusion> fusions = new LinkedHashMap<>();
        List<String> unfolded = new ArrayList<>();
        for (Map.Entry<String, GraphVertex> e : vertices.entrySet()) {
            String bn = e.getKey();
            if (!(layerOf(e.getValue()) instanceof BatchNormalization bnLayer)) {
                continue;
            }
            List<String> in = inputsOf.getOrDefault(bn, List.of());
            String conv = in.size() == 1 ? in.get(0) : null;
            boolean ok = conv != null && ((LayerVertex) e.getValue()).getPreProcessor() == null
                    && layerOf(vertices.get(conv)) instanceof ConvolutionLayer c && c.getClass() == ConvolutionLayer.class
                    && isIdentity(c.getActivationFn()) && c.getCnn2dDataFormat() != CNN2DFormat.NHWC
                    && bnLayer.getCnn2DFormat() != CNN2DFormat.NHWC
                    && consumers.getOrDefault(conv, List.of()).equals(List.of(bn)) && !outputs.contains(conv);
            if (!ok) {
                unfolded.add(bn);
                continue;
            }
            String act = null;
            List<String> after = consumers.getOrDefault(bn, List.of());
            if (after.size() == 1 && !outputs.contains(bn)) {
                GraphVertex a = vertices.get(after.get(0));
                if (layerOf(a) instanceof ActivationLayer al && al.getActivationFn() != null
                        && ((LayerVertex) a).getPreProcessor() == null
                        && inputsOf.get(after.get(0)).equals(List.of(bn))) {
                    act = after.get(0);
                }
            }
            String name = act != null ? act : bn;
            fusions.put(name, new Fusion(name, conv, bn, act));
        }
        return new BatchNormFolding(rewrite(conf, fusions), Map.copyOf(fusions), List.copyOf(unfolded));
    }

    private static ComputationGraphConfiguration rewrite(ComputationGraphConfiguration conf, Map<String, Fusion> fusions) {
        Set<String> absorbed = new HashSet<>();
        for (Fusion f : fusions.values()) {
            absorbed.add(f.conv());
            if (f.activation() != null) {
                absorbed.add(f.batchNorm());
            }
        }
        ComputationGraphConfiguration out = conf.clone();
        out.setTopologicalOrder(null);
        out.setTopologicalOrderStr(null);
        Map<String, GraphVertex> v = new LinkedHashMap<>();
        Map<String, List<String>> in = new LinkedHashMap<>();
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            String name = e.getKey();
            if (absorbed.contains(name)) {
                continue;
            }
            Fusion f = fusions.get(name);
            if (f == null) {
                v.put(name, e.getValue().clone());
                in.put(name, new ArrayList<>(conf.getVertexInputs().getOrDefault(name, List.of())));
                continue;
            }
            LayerVertex fused = (LayerVertex) conf.getVertices().get(f.conv()).clone(); // keeps the conv's preprocessor
            ConvolutionLayer c = (ConvolutionLayer) fused.getLayerConf().getLayer();
            c.setLayerName(name);
            c.setHasBias(true);
            if (f.activation() != null) {
                IActivation act = ((ActivationLayer) layerOf(conf.getVertices().get(f.activation()))).getActivationFn();
                c.setActivationFn(act);
            }
            v.put(name, fused);
            in.put(name, new ArrayList<>(conf.getVertexInputs().get(f.conv())));
        }
        out.setVertices(v);
        out.setVertexInputs(in);
        return out;
    }

    /** The folded configuration: no batch norm except those of {@link #unfolded()}. */
    public ComputationGraphConfiguration configuration() {
        return folded;
    }

    /** The fused vertices, by name. */
    public Map<String, Fusion> fusions() {
        return fusions;
    }

    /** The batch-norm vertices that are not folded (they do not follow a convolution as described above). */
    public List<String> unfolded() {
        return unfolded;
    }

    /**
     * A new graph of the folded configuration with the parameters of {@code trained} (a graph of the configuration
     * this folding was made from): fused convolutions get {@code a·W} and {@code a·c + b}; every other layer's
     * parameters are copied by name. {@code trained} is not changed.
     */
    public ComputationGraph apply(ComputationGraph trained) {
        ComputationGraph g = new ComputationGraph(folded.clone());
        g.init();
        for (Layer l : g.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            Fusion f = fusions.get(name);
            if (f == null) {
                Layer src = trained.getLayer(name);
                if (src == null || src.numParams() != l.numParams()) {
                    throw new IllegalArgumentException("layer " + name + " does not match the graph that was folded");
                }
                if (l.numParams() > 0) {
                    l.setParams(src.params().dup());
                }
                continue;
            }
            Layer conv = trained.getLayer(f.conv());
            Layer bn = trained.getLayer(f.batchNorm());
            if (conv == null || bn == null) {
                throw new IllegalArgumentException("layers " + f.conv() + " / " + f.batchNorm() + " not in the graph");
            }
            INDArray w = conv.getParam(ConvolutionParamInitializer.WEIGHT_KEY);
            long out = w.size(0);
            INDArray[] ab = affine(bn, w, out);
            INDArray a = ab[0];
            INDArray b = ab[1];
            INDArray bias = conv.paramTable().containsKey(ConvolutionParamInitializer.BIAS_KEY)
                    ? conv.getParam(ConvolutionParamInitializer.BIAS_KEY).reshape(out).mul(a).addi(b) : b;
            l.setParam(ConvolutionParamInitializer.WEIGHT_KEY, w.mul(a.reshape(out, 1, 1, 1)));
            l.setParam(ConvolutionParamInitializer.BIAS_KEY,
                    bias.reshape(l.getParam(ConvolutionParamInitializer.BIAS_KEY).shape()));
        }
        return g;
    }

    /** The per-channel scale a and shift b of a trained batch-norm layer at inference, read off on inputs 0, 1, −1. */
    private static INDArray[] affine(Layer bn, INDArray like, long channels) {
        INDArray probe = Nd4j.zeros(like.dataType(), 3, channels, 1, 1);
        probe.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).assign(1.0);
        probe.get(NDArrayIndex.point(2), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).assign(-1.0);
        INDArray y = bn.activate(probe, false, LayerWorkspaceMgr.noWorkspaces()).dup().reshape(3, channels);
        bn.clear();
        INDArray b = y.getRow(0).dup();
        INDArray a = y.getRow(1).sub(b);
        // an affine map: y(-1) = b - a; anything else means the layer is not what this fold assumes
        double err = y.getRow(2).sub(b.sub(a)).norm2Number().doubleValue();
        double scale = 1 + a.norm2Number().doubleValue() + b.norm2Number().doubleValue();
        if (!(err <= 1e-4 * scale)) {
            throw new IllegalStateException("batch norm " + bn.conf().getLayer().getLayerName()
                    + " is not a per-channel affine map at inference (error " + err + "); it cannot be folded");
        }
        return new INDArray[] {a, b};
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layerOf(GraphVertex v) {
        return v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
    }

    private static boolean isIdentity(IActivation a) {
        return a instanceof ActivationIdentity;
    }
}
