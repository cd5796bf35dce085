package org.eennrc.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Builds the DL4J {@link ComputationGraph} of a {@link MultiExitResNetConfig}: one multi-exit graph with one softmax
 * output per stage. Nothing else about it is written by hand: as an {@link EarlyExitModel}
 * ({@link #earlyExitModel}) its stage split for real early exit and its cost per exit are derived from the graph
 * itself, as for any user's graph.
 *
 * <p>Layer names (stage s and block b 1-based): {@code stem_conv, stem_bn, stem_relu}; per block
 * {@code s{s}b{b}_conv1, _bn1, _relu1, _conv2, _bn2, [_proj, _projbn,] _add} and the block's output ReLU
 * {@code s{s}b{b}_relu}, except that the last block of stage s names it {@code trunk{s}}; per exit
 * {@code exit{s}_pool, [exit{s}_fc,] out{s}}.
 */
public final class MultiExitResNet {
    public static final String INPUT = "in";

    private MultiExitResNet() {
    }

    /** Name of the trunk output of stage s (1-based). */
    public static String trunk(int s) {
        return "trunk" + s;
    }

    /** Name of the softmax output of exit s (1-based). */
    public static String out(int s) {
        return "out" + s;
    }

    /** Output names of the full graph, exit 1 first. */
    public static String[] outputNames(MultiExitResNetConfig c) {
        String[] o = new String[c.numExits()];
        for (int s = 1; s <= o.length; s++) {
            o[s - 1] = out(s);
        }
        return o;
    }

    /** The full graph for inference (Adam updater, no weight decay, equal exit weights). */
    public static ComputationGraph build(MultiExitResNetConfig c) {
        return build(c, new Adam(1e-3), 0.0, null);
    }

    /**
     * The full multi-exit graph, initialised with {@code c.seed()}.
     *
     * @param updater     optimiser (with its learning-rate schedule)
     * @param weightDecay decoupled weight decay coefficient on weights (0: none)
     * @param exitWeights per-exit loss weights, null for all 1 (DL4J sums the output losses)
     */
    public static ComputationGraph build(MultiExitResNetConfig c, IUpdater updater, double weightDecay,
                                         double[] exitWeights) {
        Dl4jRuntime.init();
        ComputationGraphConfiguration conf = configuration(c, updater, weightDecay, exitWeights);
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /**
     * The trained graph as an {@link EarlyExitModel}: exits {@code out1..outL}; the stage split and the cost per exit
     * are derived from the graph ({@link ComputationGraphModel}).
     */
    public static ComputationGraphModel earlyExitModel(MultiExitResNetConfig c, ComputationGraph graph) {
        return ComputationGraphModel.of(graph, InputType.convolutional(c.height(), c.width(), c.channels()));
    }

    /** conv + BN [+ ReLU]; returns the name of the last vertex added. */
    private static String convBn(ComputationGraphConfiguration.GraphBuilder gb, String convName,
                                 String bnName, String reluName, int k, int stride, int in, int out, String input) {
        gb.addLayer(convName, conv(k, stride, in, out), input);
        gb.addLayer(bnName, bn(out), convName);
        if (reluName == null) {
            return bnName;
        }
        gb.addLayer(reluName, relu(), bnName);
        return reluName;
    }

    static ComputationGraphConfiguration configuration(MultiExitResNetConfig c, IUpdater updater, double weightDecay,
                                                       double[] exitWeights) {
        int stages = c.numStages();
        if (exitWeights != null && exitWeights.length != stages) {
            throw new IllegalArgumentException("need " + stages + " exit weights, got " + Arrays.toString(exitWeights));
        }
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
        gb.setInputTypes(InputType.convolutional(c.height(), c.width(), c.channels()));
        String prev = convBn(gb, "stem_conv", "stem_bn", "stem_relu", 3, c.stemStride(), c.channels(),
                c.stemWidth(), INPUT);
        int inCh = c.stemWidth();
        int[] widths = c.widths();
        int[] blocks = c.blocks();
        int[] strides = c.strides();
        List<String> outputs = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            int st = s + 1;
            for (int b = 1; b <= blocks[s]; b++) {
                int stride = b == 1 ? strides[s] : 1;
                int w = widths[s];
                String p = "s" + st + "b" + b;
                String a = convBn(gb, p + "_conv1", p + "_bn1", p + "_relu1", 3, stride, inCh, w, prev);
                String main = convBn(gb, p + "_conv2", p + "_bn2", null, 3, 1, w, w, a);
                String shortcut = prev;
                if (stride != 1 || inCh != w) {
                    shortcut = convBn(gb, p + "_proj", p + "_projbn", null, 1, stride, inCh, w, prev);
                }
                gb.addVertex(p + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), main, shortcut);
                String outName = b == blocks[s] ? trunk(st) : p + "_relu";
                gb.addLayer(outName, relu(), p + "_add");
                prev = outName;
                inCh = w;
            }
            // exit head
            gb.addLayer("exit" + st + "_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev);
            String headIn = "exit" + st + "_pool";
            int headCh = inCh;
            if (c.headHidden() > 0) {
                gb.addLayer("exit" + st + "_fc", new DenseLayer.Builder().nIn(headCh).nOut(c.headHidden())
                        .activation(Activation.RELU).build(), headIn);
                headIn = "exit" + st + "_fc";
                headCh = c.headHidden();
            }
            LossMCXENT loss = exitWeights == null || exitWeights[s] == 1.0
                    ? new LossMCXENT()
                    : new LossMCXENT(Nd4j.valueArrayOf(new long[] {1, c.numClasses()}, exitWeights[s]));
            gb.addLayer(out(st), new OutputLayer.Builder(loss).nIn(headCh).nOut(c.numClasses())
                    .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), headIn);
            outputs.add(out(st));
        }
        gb.setOutputs(outputs.toArray(new String[0]));
        return gb.build();
    }

    private static ConvolutionLayer conv(int k, int stride, int in, int out) {
        return new ConvolutionLayer.Builder(k, k).stride(stride, stride).nIn(in).nOut(out).hasBias(false)
                .activation(Activation.IDENTITY).build();
    }

    private static BatchNormalization bn(int ch) {
        return new BatchNormalization.Builder().nIn(ch).nOut(ch).build();
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }
}
