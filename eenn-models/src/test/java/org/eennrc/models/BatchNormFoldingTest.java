package org.eennrc.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
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
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitResult;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.internal.BatchIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Batch norm folded into the convolutions ({@link ComputationGraphModel#withFoldedBatchNorm()}): the same
 * probabilities as the graph as given, no batch norm left where one can be folded, the ones that cannot be folded
 * kept, and real early exit of the folded model equal to the simulated exit on the folded model's outputs.
 */
class BatchNormFoldingTest {
    static final InputType SMALL = InputType.convolutional(12, 12, 1);

    @BeforeAll
    static void init() {
        Dl4jRuntime.init();
    }

    /**
     * Non-trivial batch-norm statistics, as after training: γ of both signs, β, running mean, and a variance (or log
     * standard deviation) away from 1; and non-zero convolution biases.
     */
    static void randomiseBatchNorms(ComputationGraph g, long seed) {
        Random r = new Random(seed);
        for (Layer l : g.getLayers()) {
            if (l.conf().getLayer() instanceof BatchNormalization) {
                for (String k : l.paramTable().keySet()) {
                    INDArray p = l.getParam(k);
                    double[] v = new double[(int) p.length()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = switch (k) {
                            case BatchNormalizationParamInitializer.GAMMA -> (r.nextBoolean() ? 1 : -1) * (0.5 + r.nextDouble());
                            case BatchNormalizationParamInitializer.GLOBAL_VAR -> 0.3 + 2 * r.nextDouble();
                            case BatchNormalizationParamInitializer.GLOBAL_LOG_STD -> -0.3 + 0.6 * r.nextDouble();
                            default -> r.nextGaussian() * 0.5; // beta, mean
                        };
                    }
                    l.setParam(k, Nd4j.create(v).castTo(p.dataType()).reshape(p.shape()));
                }
            } else if (l.conf().getLayer() instanceof ConvolutionLayer && l.paramTable().containsKey("b")) {
                INDArray b = l.getParam("b");
                l.setParam("b", Nd4j.randn(b.dataType(), b.shape()).muli(0.3));
            }
        }
    }

    static MultiDataSetIterator iterator(INDArray x, int batch) {
        return new BatchIterator((int) x.size(0), batch, (from, to) -> new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {x.get(NDArrayIndex.interval(from, to)).dup()}, null));
    }

    static double maxDiff(ExitOutputs a, ExitOutputs b) {
        assertThat(a.numSamples()).isEqualTo(b.numSamples());
        double d = 0;
        for (int i = 0; i < a.numSamples(); i++) {
            for (int l = 0; l < a.numExits(); l++) {
                for (int c = 0; c < a.numClasses(); c++) {
                    d = Math.max(d, Math.abs(a.prob(i, l, c) - b.prob(i, l, c)));
                }
            }
        }
        return d;
    }

    static List<String> batchNormsIn(ComputationGraph g) {
        List<String> out = new ArrayList<>();
        for (Layer l : g.getLayers()) {
            if (l.conf().getLayer() instanceof BatchNormalization) {
                out.add(l.conf().getLayer().getLayerName());
            }
        }
        return out;
    }

    /** Thresholds at quantiles of the max-softmax confidence over all exits, so that samples leave at several. */
    static double[] lambdas(ExitOutputs o) {
        double[] c = new double[o.numSamples() * o.numExits()];
        for (int i = 0; i < o.numSamples(); i++) {
            for (int l = 0; l < o.numExits(); l++) {
                c[i * o.numExits() + l] = o.topProbability(i, l);
            }
        }
        Arrays.sort(c);
        double[] out = {1.0, 0.9, 0.7, 0.5, 0.3, 0.1, 0.0};
        for (int q = 1; q < out.length - 1; q++) {
            int k = (int) (out[q] * c.length);
            out[q] = (c[k] + c[k + 1]) / 2; // between two confidences: no sample sits on the threshold itself
        }
        return out;
    }

    /** Real early exit of the folded predictor equals the simulated exit on the folded outputs, exactly. */
    static void checkRealEqualsSimulated(EarlyExitPredictor p, ExitOutputs folded, MultiDataSetIterator[] byBatch,
                                         int[] batches) {
        ConfidenceMeasure m = ConfidenceMeasures.MAX_SOFTMAX;
        int mixed = 0;
        for (double lambda : lambdas(folded)) {
            ExitResult sim = EarlyExitPredictorTest.policy(m, lambda, folded.numExits()).apply(folded, m);
            if (Arrays.stream(sim.exitHistogram()).filter(k -> k > 0).count() >= 2) {
                mixed++;
            }
            for (int b = 0; b < batches.length; b++) {
                ExitResult real = p.predict(byBatch[b], lambda, m);
                assertThat(real.exits()).as("λ=%s batch %d exits", lambda, batches[b]).containsExactly(sim.exits());
                assertThat(real.predictions()).as("λ=%s batch %d predictions", lambda, batches[b])
                        .containsExactly(sim.predictions());
            }
        }
        assertThat(mixed).as("thresholds where samples leave at two exits or more").isGreaterThan(1);
    }

    @Test
    void theTinyResNetFoldsEveryBatchNormAndKeepsItsOutputsAndDecisions() {
        MultiExitResNetConfig c = MultiExitResNetConfig.tiny();
        ComputationGraph g = MultiExitResNet.build(c);
        randomiseBatchNorms(g, 7);
        ComputationGraphModel plain = MultiExitResNet.earlyExitModel(c, g);
        ComputationGraphModel folded = plain.withFoldedBatchNorm();
        assertThat(plain.foldsBatchNorm()).isFalse();
        assertThat(folded.foldsBatchNorm()).isTrue();
        assertThat(folded.withFoldedBatchNorm()).isSameAs(folded);
        assertThat(plain.unfoldedBatchNorms()).contains("stem_bn", "s1b1_bn1", "s2b1_projbn");
        assertThat(folded.unfoldedBatchNorms()).isEmpty();
        // costs and the stage split are those of the graph as given
        assertThat(folded.cumulativeCost()).containsExactly(plain.cumulativeCost());
        assertThat(folded.fullModelCost()).isEqualTo(plain.fullModelCost());
        assertThat(folded.stageVertices()).isEqualTo(plain.stageVertices());

        ImageSet data = TestData.synthetic(130, 3);
        ExitOutputs ref = plain.outputs(data.iterator(64));
        ExitOutputs fo = folded.outputs(data.iterator(64));
        assertThat(maxDiff(fo, ref)).as("max |p_folded - p|").isLessThan(1e-4).isGreaterThan(0);
        assertThat(fo.flops()).containsExactly(ref.flops());

        EarlyExitPredictor p = folded.predictor();
        for (ExitStage s : p.model().stages()) {
            ComputationGraph sg = ComputationGraphModel.stageGraph(s);
            assertThat(batchNormsIn(sg)).as("batch norms in a folded stage graph").isEmpty();
        }
        int[] batches = {1, 7, 64};
        MultiDataSetIterator[] its = new MultiDataSetIterator[batches.length];
        for (int b = 0; b < batches.length; b++) {
            its[b] = data.iterator(batches[b]);
        }
        checkRealEqualsSimulated(p, fo, its, batches);
        assertThat(p.fullModel(data.iterator(64)).predictions())
                .containsExactly(EarlyExitPredictorTest.policy(ConfidenceMeasures.MAX_SOFTMAX, 1.0, 3).apply(fo).predictions());
        // the folded predictor is a snapshot; the model itself follows the live graph
        assertThat(batchNormsIn(folded.graph())).isNotEmpty();
    }

    /**
     * conv(bias) → BN → ReLU (all fused); conv → BN feeding two consumers (BN folded, activation kept); a conv feeding
     * its BN and another vertex (not folded); a ReLU conv → BN (not folded); dense → BN (not folded).
     */
    static ComputationGraph genericCnn() {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .seed(11).updater(new Adam(1e-3)).weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same)
                .graphBuilder().addInputs("x").setInputTypes(SMALL);
        b.addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(6).hasBias(true).activation(Activation.IDENTITY).build(), "x");
        b.addLayer("bn1", new BatchNormalization.Builder().build(), "c1");
        b.addLayer("r1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1");
        b.addLayer("gap1", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "r1");
        b.addLayer("out1", new OutputLayer.Builder(LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build(), "gap1");
        // bn2 feeds r2 and add2: folded into c2, r2 stays a layer
        b.addLayer("c2", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(8).hasBias(false)
                .activation(Activation.IDENTITY).build(), "r1");
        b.addLayer("bn2", new BatchNormalization.Builder().build(), "c2");
        b.addLayer("r2", new ActivationLayer.Builder().activation(Activation.TANH).build(), "bn2");
        b.addVertex("add2", new ElementWiseVertex(ElementWiseVertex.Op.Add), "r2", "bn2");
        // c3 feeds bn3 and add3: bn3 is not folded
        b.addLayer("c3", new ConvolutionLayer.Builder(3, 3).nOut(8).hasBias(false).activation(Activation.IDENTITY).build(), "add2");
        b.addLayer("bn3", new BatchNormalization.Builder().build(), "c3");
        b.addLayer("r3", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn3");
        b.addVertex("add3", new ElementWiseVertex(ElementWiseVertex.Op.Add), "r3", "c3");
        // a ReLU convolution: its batch norm is not affine in the convolution's output, not folded
        b.addLayer("c4", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build(), "add3");
        b.addLayer("bn4", new BatchNormalization.Builder().build(), "c4");
        b.addLayer("gap2", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn4");
        b.addLayer("out2", new OutputLayer.Builder(LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build(), "gap2");
        // stage 3 reads add3; conv → BN → ReLU fused; a dense layer's batch norm stays
        b.addLayer("c5", new ConvolutionLayer.Builder(3, 3).nOut(8).hasBias(false).activation(Activation.IDENTITY).build(), "add3");
        b.addLayer("bn5", new BatchNormalization.Builder().build(), "c5");
        b.addLayer("r5", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn5");
        b.addLayer("gap3", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "r5");
        b.addLayer("fc3", new DenseLayer.Builder().nOut(6).activation(Activation.IDENTITY).build(), "gap3");
        b.addLayer("bnd", new BatchNormalization.Builder().build(), "fc3");
        b.addLayer("out3", new OutputLayer.Builder(LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build(), "bnd");
        ComputationGraph g = new ComputationGraph(b.setOutputs("out1", "out2", "out3").build());
        g.init();
        return g;
    }

    @Test
    void aGenericCnnFoldsWhatCanBeFoldedAndKeepsTheRest() {
        ComputationGraph g = genericCnn();
        randomiseBatchNorms(g, 5);
        ComputationGraphModel plain = ComputationGraphModel.of(g, SMALL);
        ComputationGraphModel folded = plain.withFoldedBatchNorm();
        assertThat(folded.unfoldedBatchNorms()).containsExactlyInAnyOrder("bn3", "bn4", "bnd");
        assertThat(folded.cumulativeCost()).containsExactly(plain.cumulativeCost());

        INDArray x = Nd4j.randn(DataType.FLOAT, 150, 1, 12, 12);
        ExitOutputs ref = plain.outputs(iterator(x, 64));
        ExitOutputs fo = folded.outputs(iterator(x, 64));
        assertThat(maxDiff(fo, ref)).as("max |p_folded - p|").isLessThan(1e-4);

        EarlyExitPredictor p = folded.predictor();
        List<List<String>> bns = new ArrayList<>();
        List<List<String>> layers = new ArrayList<>();
        for (ExitStage s : p.model().stages()) {
            ComputationGraph sg = ComputationGraphModel.stageGraph(s);
            bns.add(batchNormsIn(sg));
            layers.add(List.of(sg.getConfiguration().getVertices().keySet().toArray(new String[0])));
        }
        assertThat(bns).containsExactly(List.of(), List.of("bn3", "bn4"), List.of("bnd"));
        // fused vertices carry the last absorbed name; the absorbed convolutions (and bn1, bn5) are gone
        assertThat(layers.get(0)).contains("r1").doesNotContain("c1", "bn1");
        assertThat(layers.get(1)).contains("bn2", "r2", "c3", "bn3", "c4").doesNotContain("c2");
        assertThat(layers.get(2)).contains("r5").doesNotContain("c5", "bn5");
        assertThat(((ConvolutionLayer) ComputationGraphModel.stageGraph(p.model().stages().get(0)).getLayer("r1").conf().getLayer())
                .getActivationFn().toString()).isEqualToIgnoringCase("relu");

        int[] batches = {1, 7, 64};
        MultiDataSetIterator[] its = new MultiDataSetIterator[batches.length];
        for (int b = 0; b < batches.length; b++) {
            its[b] = iterator(x, batches[b]);
        }
        checkRealEqualsSimulated(p, fo, its, batches);
    }

    @Test
    void foldedOutputsFollowTheLiveGraph() {
        ComputationGraph g = genericCnn();
        ComputationGraphModel folded = ComputationGraphModel.of(g, SMALL).withFoldedBatchNorm();
        INDArray x = Nd4j.randn(DataType.FLOAT, 20, 1, 12, 12);
        ExitOutputs before = folded.outputs(iterator(x, 20));
        randomiseBatchNorms(g, 9); // as training would
        ExitOutputs after = folded.outputs(iterator(x, 20));
        ExitOutputs plainAfter = ComputationGraphModel.of(g, SMALL).outputs(iterator(x, 20));
        assertThat(maxDiff(after, before)).isGreaterThan(1e-3);
        assertThat(maxDiff(after, plainAfter)).isLessThan(1e-4);
    }
}
