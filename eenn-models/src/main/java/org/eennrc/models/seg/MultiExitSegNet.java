package org.eennrc.models.seg;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Dl4jRuntime;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Builds the DL4J {@link ComputationGraph} of a {@link MultiExitSegNetConfig}: one graph with one per-pixel softmax
 * output ({@code CnnLossLayer}) per stage, each at the input resolution. As an early-exit model
 * ({@link #earlyExitModel}) its stage split for real early exit and its cost per exit are derived from the graph
 * ({@link ComputationGraphModel}), as for any graph.
 *
 * <p>Training uses every exit's per-pixel cross-entropy; pixels whose label mask is 0 (the ignore label) add neither
 * loss nor gradient (the label mask of DL4J's {@code MultiDataSet}, honoured per pixel by {@code CnnLossLayer};
 * tested in {@code MultiExitSegNetTest}).
 *
 * <p>Layer names (s 1-based): {@code stem_conv, stem_bn, stem_relu}; per stage {@code s{s}_conv1, _bn1, _relu1,
 * _conv2, _bn2} and its output ReLU {@code trunk{s}}; per exit {@code [exit{s}_upfeat, exit{s}_merge,]
 * exit{s}_logits, [exit{s}_up,] out{s}} (in the inference form {@code [exit{s}_logits_deep, exit{s}_upfeat,
 * exit{s}_logits_skip,] exit{s}_logits, exit{s}_softmax, out{s}}, with {@code out{s}} the upsampling).
 */
public final class MultiExitSegNet {
    public static final String INPUT = "in";

    private MultiExitSegNet() {
    }

    /** Name of the per-pixel softmax output of exit s (1-based). */
    public static String out(int s) {
        return "out" + s;
    }

    /** Name of the output of stage s (1-based). */
    public static String trunk(int s) {
        return "trunk" + s;
    }

    /** The graph with Adam at 1e-3 (for inference and tests). */
    public static ComputationGraph build(MultiExitSegNetConfig c) {
        return build(c, new Adam(1e-3), 0.0);
    }

    /**
     * The full multi-exit graph, initialised with {@code c.seed()}.
     *
     * @param updater     optimiser (with its learning-rate schedule)
     * @param weightDecay decoupled weight decay on weights (0: none)
     */
    public static ComputationGraph build(MultiExitSegNetConfig c, IUpdater updater, double weightDecay) {
        Dl4jRuntime.init();
        ComputationGraph g = new ComputationGraph(configuration(c, updater, weightDecay, false));
        g.init();
        return g;
    }

    /** The graph as an early-exit model: exits {@code out1..outL}, stages and costs derived from the graph. */
    public static ComputationGraphModel earlyExitModel(MultiExitSegNetConfig c, ComputationGraph graph) {
        return ComputationGraphModel.of(graph, inputType(c));
    }

    /**
     * The trained network in its inference form, as an early-exit model, with two exact rewrites of the heads that
     * nearest upsampling allows (it copies each value to a block of pixels, so it commutes with anything applied to
     * each pixel alone):
     * <ul>
     *   <li>each head applies the per-pixel softmax to its logits at the skip map's resolution and then upsamples
     *       the probabilities, where the training graph upsamples the logits and applies the softmax at the input
     *       resolution: the softmax runs on a quarter of the pixels (at 64 × 64 × 11 DL4J's per-pixel softmax, a
     *       permute, the softmax and a permute back, took most of a head's wall time while costing no multiply-adds,
     *       docs/benchmarks.md);</li>
     *   <li>the 1×1 convolution of a deep exit over [upsampled trunk s, trunk 1] is split by input channels:
     *       {@code conv(concat(up(a), b)) = up(conv_a(a)) + conv_b(b)}, so the deep share runs at trunk s's own
     *       resolution and 11 channels are upsampled instead of trunk s's width.</li>
     * </ul>
     * Both give the same probabilities up to float rounding (within 1e-6 in the tests). The parameters are copied
     * from {@code trained} (a snapshot; the split convolution's weights are the trained ones, split by input
     * channel). The costs are counted from this graph, so exits 2–4 cost fewer multiply-adds than in
     * {@link #earlyExitModel} (the deep 1×1 convolutions at low resolution). Calibrate on this model's outputs (and
     * costs) when you deploy its predictor.
     */
    public static ComputationGraphModel inferenceModel(MultiExitSegNetConfig c, ComputationGraph trained) {
        Dl4jRuntime.init();
        ComputationGraph g = new ComputationGraph(configuration(c, new Adam(1e-3), 0.0, true));
        g.init();
        for (org.deeplearning4j.nn.api.Layer l : g.getLayers()) { // the added softmax layers have no parameters
            String name = l.conf().getLayer().getLayerName();
            if (l.numParams() == 0) {
                continue;
            }
            if (name.endsWith("_logits_deep") || name.endsWith("_logits_skip")) {
                // the trained 1x1 convolution of exit s over [up(trunk s), trunk 1], split by input channels
                int s = Integer.parseInt(name.substring(4, name.indexOf('_')));
                org.deeplearning4j.nn.api.Layer src = trained.getLayer("exit" + s + "_logits");
                INDArray w = src.getParam("W"); // [classes, widths[s-1] + widths[0], 1, 1]
                int deepCh = c.widths()[s - 1];
                if (name.endsWith("_logits_deep")) {
                    l.setParam("W", w.get(NDArrayIndex.all(), NDArrayIndex.interval(0, deepCh), NDArrayIndex.all(),
                            NDArrayIndex.all()).dup());
                } else {
                    l.setParam("W", w.get(NDArrayIndex.all(), NDArrayIndex.interval(deepCh, w.size(1)),
                            NDArrayIndex.all(), NDArrayIndex.all()).dup());
                    l.setParam("b", src.getParam("b").dup());
                }
                continue;
            }
            org.deeplearning4j.nn.api.Layer src = trained.getLayer(name);
            if (src == null || src.numParams() != l.numParams()) {
                throw new IllegalArgumentException("the trained graph does not match " + c + ": layer " + name);
            }
            l.setParams(src.params().dup());
        }
        return ComputationGraphModel.of(g, inputType(c));
    }

    /** The input type the costs are counted for. */
    public static InputType inputType(MultiExitSegNetConfig c) {
        return InputType.convolutional(c.height(), c.width(), c.channels());
    }

    static ComputationGraphConfiguration configuration(MultiExitSegNetConfig c, IUpdater updater, double weightDecay,
                                                       boolean inference) {
        NeuralNetConfiguration.Builder nb = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
        if (weightDecay > 0) {
            nb.weightDecay(weightDecay);
        }
        ComputationGraphConfiguration.GraphBuilder gb = nb.graphBuilder();
        gb.addInputs(INPUT);
        gb.setInputTypes(inputType(c));
        String prev = convBnRelu(gb, "stem_conv", "stem_bn", "stem_relu", c.stemStride(), c.channels(), c.stemWidth(),
                INPUT);
        int in = c.stemWidth();
        int[] widths = c.widths();
        int[] strides = c.strides();
        int skipDown = c.downsampling(0);
        List<String> outputs = new ArrayList<>();
        for (int s = 0; s < widths.length; s++) {
            int st = s + 1;
            String p = "s" + st;
            String a = convBnRelu(gb, p + "_conv1", p + "_bn1", p + "_relu1", strides[s], in, widths[s], prev);
            prev = convBnRelu(gb, p + "_conv2", p + "_bn2", trunk(st), 1, widths[s], widths[s], a);
            in = widths[s];
            String headIn = prev;
            int headCh = widths[s];
            if (inference && s > 0) {
                // conv1x1(concat(up(a), b)) = up(conv1x1_a(a)) + conv1x1_b(b) for nearest upsampling: the deep
                // features' share of the 1x1 convolution runs at their own resolution, and 11 channels are upsampled
                // instead of widths[s]; see inferenceModel
                int up = c.downsampling(s) / skipDown;
                String deep = "exit" + st + "_logits_deep";
                gb.addLayer(deep, new ConvolutionLayer.Builder(1, 1).nIn(widths[s]).nOut(c.numClasses())
                        .hasBias(false).activation(Activation.IDENTITY).build(), prev);
                if (up > 1) {
                    gb.addLayer("exit" + st + "_upfeat", new Upsampling2D.Builder(up).build(), deep);
                    deep = "exit" + st + "_upfeat";
                }
                gb.addLayer("exit" + st + "_logits_skip", new ConvolutionLayer.Builder(1, 1).nIn(widths[0])
                        .nOut(c.numClasses()).activation(Activation.IDENTITY).build(), trunk(1));
                gb.addVertex("exit" + st + "_logits", new ElementWiseVertex(ElementWiseVertex.Op.Add), deep,
                        "exit" + st + "_logits_skip");
            } else if (s > 0) {
                int up = c.downsampling(s) / skipDown;
                String feat = prev;
                if (up > 1) {
                    gb.addLayer("exit" + st + "_upfeat", new Upsampling2D.Builder(up).build(), prev);
                    feat = "exit" + st + "_upfeat";
                }
                gb.addVertex("exit" + st + "_merge", new MergeVertex(), feat, trunk(1));
                headIn = "exit" + st + "_merge";
                headCh = widths[s] + widths[0];
            }
            if (!(inference && s > 0)) {
                gb.addLayer("exit" + st + "_logits", new ConvolutionLayer.Builder(1, 1).nIn(headCh)
                        .nOut(c.numClasses()).activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build(),
                        headIn);
            }
            String logits = "exit" + st + "_logits";
            if (inference && skipDown > 1) { // softmax, then upsample the probabilities: see inferenceModel
                gb.addLayer("exit" + st + "_softmax", new CnnLossLayer.Builder(new LossMCXENT())
                        .activation(Activation.SOFTMAX).build(), logits);
                gb.addLayer(out(st), new Upsampling2D.Builder(skipDown).build(), "exit" + st + "_softmax");
                outputs.add(out(st));
                continue;
            }
            if (skipDown > 1) {
                gb.addLayer("exit" + st + "_up", new Upsampling2D.Builder(skipDown).build(), logits);
                logits = "exit" + st + "_up";
            }
            gb.addLayer(out(st), new CnnLossLayer.Builder(new LossMCXENT()).activation(Activation.SOFTMAX).build(),
                    logits);
            outputs.add(out(st));
        }
        gb.setOutputs(outputs.toArray(new String[0]));
        return gb.build();
    }

    private static String convBnRelu(ComputationGraphConfiguration.GraphBuilder gb, String conv, String bn,
                                     String relu, int stride, int in, int out, String input) {
        gb.addLayer(conv, new ConvolutionLayer.Builder(3, 3).stride(stride, stride).nIn(in).nOut(out).hasBias(false)
                .activation(Activation.IDENTITY).build(), input);
        gb.addLayer(bn, new BatchNormalization.Builder().nIn(out).nOut(out).build(), conv);
        gb.addLayer(relu, new ActivationLayer.Builder().activation(Activation.RELU).build(), bn);
        return relu;
    }
}
