package org.eennrc.models.seg;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
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
 * exit{s}_logits, [exit{s}_up,] out{s}} (in the inference form {@code exit{s}_logits, exit{s}_softmax, out{s}}, with
 * {@code out{s}} the upsampling).
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
     * The trained network in its inference form, as an early-exit model: each head applies the per-pixel softmax to
     * its logits at the skip map's resolution and then upsamples the probabilities (nearest), where the training graph
     * upsamples the logits and applies the softmax at the input resolution. Nearest upsampling copies each value to a
     * block of pixels and the softmax acts on each pixel alone, so both give the same probabilities (up to float
     * rounding; within 1e-6 in the tests), but the softmax runs on a quarter of the pixels: at 64 × 64 × 11 DL4J's
     * per-pixel softmax (a permute, the softmax and a permute back) took most of a head's wall time while costing no
     * multiply-adds (docs/benchmarks.md). The parameters are copied from {@code trained} by layer name (a snapshot);
     * the costs are the same as {@link #earlyExitModel}'s (neither softmax nor upsampling has multiply-adds).
     * Calibrate on this model's outputs when you deploy its predictor.
     */
    public static ComputationGraphModel inferenceModel(MultiExitSegNetConfig c, ComputationGraph trained) {
        Dl4jRuntime.init();
        ComputationGraph g = new ComputationGraph(configuration(c, new Adam(1e-3), 0.0, true));
        g.init();
        for (org.deeplearning4j.nn.api.Layer l : g.getLayers()) { // the added softmax layers have no parameters
            if (l.numParams() > 0) {
                String name = l.conf().getLayer().getLayerName();
                org.deeplearning4j.nn.api.Layer src = trained.getLayer(name);
                if (src == null || src.numParams() != l.numParams()) {
                    throw new IllegalArgumentException("the trained graph does not match " + c + ": layer " + name);
                }
                l.setParams(src.params().dup());
            }
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
            if (s > 0) {
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
            gb.addLayer("exit" + st + "_logits", new ConvolutionLayer.Builder(1, 1).nIn(headCh).nOut(c.numClasses())
                    .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build(), headIn);
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
