package org.eennrc.models.internal;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;

/**
 * Internal: multiply-adds per sample of each vertex of a DL4J graph, counted from the layer configurations and the
 * activation shapes DL4J derives from the input types (method.md §5: the cost that savings are measured in).
 *
 * <p>Counted: convolutions ({@code positions · kernel · Cin · Cout}; depthwise and separable by their parts), dense
 * and output layers ({@code nIn · nOut} per position), batch norm at inference (one multiply-add per element: the
 * folded scale and shift), pooling (one per input element of a window), LSTM and simple RNN cells. Not counted:
 * activations, element-wise vertices, softmax, biases, embedding lookups, and what only moves data: upsampling,
 * merges (concatenation), per-pixel loss layers ({@code CnnLossLayer}: its softmax). These have no multiply-adds;
 * their memory traffic can still take wall time (the segmentation heads' per-pixel softmax at full resolution,
 * docs/benchmarks.md). A layer with parameters of another type
 * is reported by {@link #isCounted} so that a caller can say that its count is incomplete.
 */
public final class MacCount {
    private MacCount() {
    }

    /** Activation types of every vertex (inputs included) for the given network input types. */
    public static Map<String, InputType> activationTypes(ComputationGraphConfiguration conf, InputType... inputTypes) {
        if (inputTypes == null || inputTypes.length != conf.getNetworkInputs().size()) {
            throw new IllegalArgumentException("the graph has " + conf.getNetworkInputs().size() + " input(s) "
                    + conf.getNetworkInputs() + "; give one InputType per input (as in setInputTypes) to count its cost");
        }
        Map<String, InputType> types = new java.util.HashMap<>(conf.getLayerActivationTypes(inputTypes));
        for (int i = 0; i < inputTypes.length; i++) {
            types.putIfAbsent(conf.getNetworkInputs().get(i), inputTypes[i]);
        }
        return types;
    }

    /** Whether the vertex's cost is known: no parameters, or a layer type this class counts. */
    public static boolean isCounted(ComputationGraphConfiguration conf, String vertex) {
        GraphVertex v = conf.getVertices().get(vertex);
        if (!(v instanceof LayerVertex lv)) {
            return true;
        }
        Layer l = lv.getLayerConf().getLayer();
        return l.initializer().numParams(lv.getLayerConf()) == 0 || l instanceof ConvolutionLayer
                || l instanceof FeedForwardLayer || l instanceof BatchNormalization || l instanceof BaseRecurrentLayer;
    }

    /** Multiply-adds per sample of one vertex. */
    public static double of(ComputationGraphConfiguration conf, String vertex, Map<String, InputType> types) {
        GraphVertex v = conf.getVertices().get(vertex);
        if (!(v instanceof LayerVertex lv)) {
            return 0;
        }
        Layer l = lv.getLayerConf().getLayer();
        List<String> inputs = conf.getVertexInputs().get(vertex);
        InputType in = types.get(inputs.get(0));
        if (lv.getPreProcessor() != null && in != null) {
            in = lv.getPreProcessor().getOutputType(in);
        }
        InputType out = types.get(vertex);
        if (in == null || out == null) {
            throw new IllegalStateException("no activation type for " + vertex);
        }
        double inElems = in.arrayElementsPerExample();
        double outElems = out.arrayElementsPerExample();
        if (l instanceof SeparableConvolution2D c) {
            double positions = outElems / c.getNOut();
            double depthOut = (double) c.getNIn() * c.getDepthMultiplier();
            return positions * (product(c.getKernelSize()) * depthOut + depthOut * c.getNOut());
        }
        if (l instanceof DepthwiseConvolution2D c) {
            return outElems * product(c.getKernelSize());
        }
        if (l instanceof ConvolutionLayer c) {
            double positions = outElems / c.getNOut();
            return positions * product(c.getKernelSize()) * c.getNIn() * c.getNOut();
        }
        if (l instanceof SubsamplingLayer s) {
            return outElems * product(s.getKernelSize());
        }
        if (l instanceof GlobalPoolingLayer) {
            return inElems;
        }
        if (l instanceof BatchNormalization) {
            return outElems;
        }
        if (l instanceof LSTM r) {
            double steps = outElems / r.getNOut();
            return steps * 4.0 * r.getNOut() * (r.getNIn() + r.getNOut());
        }
        if (l instanceof SimpleRnn r) {
            double steps = outElems / r.getNOut();
            return steps * r.getNOut() * (double) (r.getNIn() + r.getNOut());
        }
        if (l instanceof EmbeddingLayer || l instanceof EmbeddingSequenceLayer) {
            return 0;
        }
        if (l instanceof FeedForwardLayer f && f.getNIn() > 0 && f.getNOut() > 0) {
            double positions = outElems / f.getNOut();
            return positions * f.getNIn() * f.getNOut();
        }
        return 0;
    }

    private static double product(int[] k) {
        double p = 1;
        for (int x : k) {
            p *= x;
        }
        return p;
    }
}
