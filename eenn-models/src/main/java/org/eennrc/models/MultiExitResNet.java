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
 * Builds DL4J {@link ComputationGraph}s for a {@link MultiExitResNetConfig}: the full multi-exit graph (one output
 * per exit) and, for real early exit, one small graph per stage whose layers carry the same names, so that
 * parameters can be copied by layer name. Also derives the multiply-add count of every layer from the
 * configuration ({@link #flops}).
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
        ComputationGraphConfiguration conf = configuration(c, updater, weightDecay, exitWeights, 0, c.numStages(), true,
                false);
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /**
     * A graph with stages {@code fromStage+1 .. toStage} (0-based half-open range of stages) and the heads of those
     * stages. Its input is the image when {@code fromStage == 0}, else an input vertex named
     * {@code trunk{fromStage}}; its outputs are, per included stage, {@code trunk{s}} (except for the last stage of
     * the network) and {@code out{s}}.
     */
    public static ComputationGraph buildStages(MultiExitResNetConfig c, int fromStage, int toStage) {
        return buildStages(c, fromStage, toStage, false);
    }

    /**
     * As {@link #buildStages(MultiExitResNetConfig, int, int)}; with {@code foldedBatchNorm} the inference form:
     * every convolution has a bias and absorbs the batch norm that follows it (and the ReLU after that as its
     * activation), so the graph has no batch-norm layers. Fill it with {@link StageGraphs#copyParamsFolded}.
     */
    public static ComputationGraph buildStages(MultiExitResNetConfig c, int fromStage, int toStage,
                                               boolean foldedBatchNorm) {
        Dl4jRuntime.init();
        ComputationGraph g = new ComputationGraph(configuration(c, new Adam(1e-3), 0.0, null, fromStage, toStage, true,
                foldedBatchNorm));
        g.init();
        return g;
    }

    /**
     * The plain full model for inference: the whole trunk and only the last exit head (output {@code out{L}}),
     * the baseline that early exit is compared with. Copy the parameters in with
     * {@link StageGraphs#copyParamsByName}.
     */
    public static ComputationGraph buildLastExitOnly(MultiExitResNetConfig c) {
        return buildLastExitOnly(c, false);
    }

    /** As {@link #buildLastExitOnly(MultiExitResNetConfig)}, optionally in the folded inference form. */
    public static ComputationGraph buildLastExitOnly(MultiExitResNetConfig c, boolean foldedBatchNorm) {
        Dl4jRuntime.init();
        ComputationGraph g = new ComputationGraph(configuration(c, new Adam(1e-3), 0.0, null, 0, c.numStages(), false,
                foldedBatchNorm));
        g.init();
        return g;
    }

    /** Convolution name -> name of the batch norm after it, in the training form. */
    static String batchNormOf(String convName) {
        if (convName.equals("stem_conv")) {
            return "stem_bn";
        }
        if (convName.endsWith("_conv1")) {
            return convName.replace("_conv1", "_bn1");
        }
        if (convName.endsWith("_conv2")) {
            return convName.replace("_conv2", "_bn2");
        }
        if (convName.endsWith("_proj")) {
            return convName + "bn";
        }
        return null;
    }

    /** conv [+ BN] [+ ReLU]; returns the name of the last vertex added. */
    private static String convBn(ComputationGraphConfiguration.GraphBuilder gb, boolean folded, String convName,
                                 String bnName, String reluName, int k, int stride, int in, int out, String input) {
        if (folded) {
            gb.addLayer(convName, new ConvolutionLayer.Builder(k, k).stride(stride, stride).nIn(in).nOut(out)
                    .hasBias(true).activation(reluName != null ? Activation.RELU : Activation.IDENTITY).build(), input);
            return convName;
        }
        gb.addLayer(convName, conv(k, stride, in, out), input);
        gb.addLayer(bnName, bn(out), convName);
        if (reluName == null) {
            return bnName;
        }
        gb.addLayer(reluName, relu(), bnName);
        return reluName;
    }

    static ComputationGraphConfiguration configuration(MultiExitResNetConfig c, IUpdater updater, double weightDecay,
                                                       double[] exitWeights, int fromStage, int toStage,
                                                       boolean allHeads, boolean folded) {
        int stages = c.numStages();
        if (fromStage < 0 || toStage > stages || fromStage >= toStage) {
            throw new IllegalArgumentException("stage range [" + fromStage + ", " + toStage + ") of " + stages);
        }
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
        String prev;
        int inCh;
        if (fromStage == 0) {
            gb.addInputs(INPUT);
            gb.setInputTypes(InputType.convolutional(c.height(), c.width(), c.channels()));
            prev = convBn(gb, folded, "stem_conv", "stem_bn", "stem_relu", 3, c.stemStride(), c.channels(),
                    c.stemWidth(), INPUT);
            inCh = c.stemWidth();
        } else {
            int[] shp = c.stageOutputShape(fromStage - 1);
            prev = trunk(fromStage);
            gb.addInputs(prev);
            gb.setInputTypes(InputType.convolutional(shp[1], shp[2], shp[0]));
            inCh = shp[0];
        }
        int[] widths = c.widths();
        int[] blocks = c.blocks();
        int[] strides = c.strides();
        List<String> outputs = new ArrayList<>();
        for (int s = fromStage; s < toStage; s++) {
            int st = s + 1;
            for (int b = 1; b <= blocks[s]; b++) {
                int stride = b == 1 ? strides[s] : 1;
                int w = widths[s];
                String p = "s" + st + "b" + b;
                String a = convBn(gb, folded, p + "_conv1", p + "_bn1", p + "_relu1", 3, stride, inCh, w, prev);
                String main = convBn(gb, folded, p + "_conv2", p + "_bn2", null, 3, 1, w, w, a);
                String shortcut = prev;
                if (stride != 1 || inCh != w) {
                    shortcut = convBn(gb, folded, p + "_proj", p + "_projbn", null, 1, stride, inCh, w, prev);
                }
                gb.addVertex(p + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), main, shortcut);
                String outName = b == blocks[s] ? trunk(st) : p + "_relu";
                gb.addLayer(outName, relu(), p + "_add");
                prev = outName;
                inCh = w;
            }
            if (!allHeads && st < stages) {
                continue;
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
            if (allHeads && st < stages && s == toStage - 1) {
                outputs.add(trunk(st));
            }
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

    // ------------------------------------------------------------------------------------------------ FLOPs

    /**
     * Multiply-adds per image of each part of the network, derived from the configuration.
     *
     * <p>Counted: convolutions ({@code Hout*Wout*k*k*Cin*Cout}), batch norm at inference (one multiply-add per
     * element: the folded scale and shift), global average pooling (one add per input element), dense and output
     * layers ({@code nIn*nOut}). Not counted: ReLU, residual additions, softmax, biases.
     *
     * @return {@code trunk[s]} for the stem (included in stage 0) and the blocks of stage s, {@code head[s]} for
     *         exit head s
     */
    public static Flops flops(MultiExitResNetConfig c) {
        int stages = c.numStages();
        double[] trunk = new double[stages];
        double[] head = new double[stages];
        long h = MultiExitResNetConfig.down(c.height(), c.stemStride());
        long w = MultiExitResNetConfig.down(c.width(), c.stemStride());
        long inCh = c.stemWidth();
        trunk[0] += h * w * 9L * c.channels() * c.stemWidth() + h * w * c.stemWidth();
        int[] widths = c.widths();
        int[] blocks = c.blocks();
        int[] strides = c.strides();
        for (int s = 0; s < stages; s++) {
            for (int b = 1; b <= blocks[s]; b++) {
                int stride = b == 1 ? strides[s] : 1;
                long ho = MultiExitResNetConfig.down((int) h, stride);
                long wo = MultiExitResNetConfig.down((int) w, stride);
                long out = widths[s];
                double f = ho * wo * 9L * inCh * out + ho * wo * out   // conv1 + bn1
                        + ho * wo * 9L * out * out + ho * wo * out;    // conv2 + bn2
                if (stride != 1 || inCh != out) {
                    f += ho * wo * inCh * out + ho * wo * out;         // 1x1 projection + bn
                }
                trunk[s] += f;
                h = ho;
                w = wo;
                inCh = out;
            }
            double hd = (double) h * w * inCh; // global average pool
            long headIn = inCh;
            if (c.headHidden() > 0) {
                hd += (double) headIn * c.headHidden();
                headIn = c.headHidden();
            }
            hd += (double) headIn * c.numClasses();
            head[s] = hd;
        }
        return new Flops(trunk, head);
    }

    /** Per-part multiply-add counts; see {@link MultiExitResNet#flops}. */
    public record Flops(double[] trunk, double[] head) {
        /**
         * Cost of answering at exit l (index l-1) in progressive early exit: stages 1..l and heads 1..l (a sample
         * that leaves at exit l has had every earlier head evaluated too). Non-decreasing in l.
         */
        public double[] cumulativePerExit() {
            double[] c = new double[trunk.length];
            double acc = 0;
            for (int s = 0; s < trunk.length; s++) {
                acc += trunk[s] + head[s];
                c[s] = acc;
            }
            return c;
        }

        /** Cost of the plain full model: all stages and only the last head. */
        public double fullModel() {
            double acc = 0;
            for (double t : trunk) {
                acc += t;
            }
            return acc + head[head.length - 1];
        }
    }
}
