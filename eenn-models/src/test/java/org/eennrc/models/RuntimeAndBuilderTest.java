package org.eennrc.models;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RuntimeAndBuilderTest {
    @BeforeAll
    static void init() {
        Dl4jRuntime.init();
    }

    @Test
    void shimDelegatesToOneDnn() {
        assertThat(org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN()).isTrue();
        assertThat(Dl4jRuntime.describe()).contains("oneDNN=true");
    }

    @Test
    void convAndBatchNormLayersGetTheOneDnnHelper() {
        ComputationGraph g = MultiExitResNet.build(MultiExitResNetConfig.tiny());
        var conv = (ConvolutionLayer) g.getLayer("stem_conv");
        var bn = (BatchNormalization) g.getLayer("stem_bn");
        assertThat(conv.getHelper()).as("oneDNN conv helper (both fixes of trap 1)").isNotNull();
        assertThat(bn.getHelper()).as("oneDNN batch-norm helper").isNotNull();
    }

    @Test
    void defaultHasFourExitsAndOutputsSoftmaxPerExit() {
        MultiExitResNetConfig c = MultiExitResNetConfig.defaults();
        assertThat(c.numExits()).isEqualTo(4);
        ComputationGraph g = MultiExitResNet.build(c);
        assertThat(g.getConfiguration().getNetworkOutputs()).containsExactly("out1", "out2", "out3", "out4");
        INDArray x = Nd4j.rand(new long[] {3, 1, 28, 28});
        INDArray[] out = g.output(false, x);
        assertThat(out).hasSize(4);
        for (INDArray o : out) {
            assertThat(o.shape()).containsExactly(3L, 10L);
            for (double v : o.sum(1).toDoubleVector()) {
                assertThat(v).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        assertThat(c.stageOutputShape(3)).containsExactly(256, 4, 4);
    }

    @Test
    void costsAreCountedFromTheGraphAndCumulative() {
        MultiExitResNetConfig c = MultiExitResNetConfig.tiny(); // stem 4, widths 4/8/8, strides 1/2/2, 28x28x1
        ComputationGraphModel m = MultiExitResNet.earlyExitModel(c, MultiExitResNet.build(c));
        // hand count: conv Hout*Wout*k*k*Cin*Cout, batch norm one per element, pooling one per input element, dense nIn*nOut
        double stem = 28 * 28 * 9 * 1 * 4 + 28 * 28 * 4;
        double s1 = 2 * (28 * 28 * 9 * 4 * 4 + 28 * 28 * 4); // identity shortcut (4 -> 4, stride 1)
        double s2 = 14 * 14 * 9 * 4 * 8 + 14 * 14 * 8 + 14 * 14 * 9 * 8 * 8 + 14 * 14 * 8 + 14 * 14 * 4 * 8 + 14 * 14 * 8;
        double s3 = 7 * 7 * 9 * 8 * 8 + 7 * 7 * 8 + 7 * 7 * 9 * 8 * 8 + 7 * 7 * 8 + 7 * 7 * 8 * 8 + 7 * 7 * 8;
        double[] head = {28 * 28 * 4 + 4 * 10, 14 * 14 * 8 + 8 * 10, 7 * 7 * 8 + 8 * 10};
        assertThat(m.cumulativeCost()).containsExactly(stem + s1 + head[0], stem + s1 + head[0] + s2 + head[1],
                stem + s1 + s2 + s3 + head[0] + head[1] + head[2]);
        assertThat(m.fullModelCost()).isEqualTo(stem + s1 + s2 + s3 + head[2]);
        assertThat(m.uncountedLayers()).isEmpty();
        assertThat(m.numClasses()).isEqualTo(10);
        // the stage split derived from the graph: stage s ends at trunk s and holds exit s's head
        assertThat(m.stageVertices().get(0)).contains("stem_conv", "trunk1", "exit1_pool", "out1").doesNotContain("s2b1_conv1");
        assertThat(m.stageVertices().get(1)).contains("s2b1_conv1", "s2b1_proj", "trunk2", "out2").doesNotContain("trunk1");

        // a stride-2 stem: everything after it runs at 14x14
        MultiExitResNetConfig strided = c.toBuilder().stemStride(2).build();
        double stem2 = 14 * 14 * 9 * 1 * 4 + 14 * 14 * 4;
        ComputationGraphModel ms = MultiExitResNet.earlyExitModel(strided, MultiExitResNet.build(strided));
        assertThat(ms.cumulativeCost()[0]).isEqualTo(stem2 + 2 * (14 * 14 * 9 * 4 * 4 + 14 * 14 * 4) + 14 * 14 * 4 + 4 * 10);
        assertThat(strided.stageOutputShape(2)).containsExactly(8, 4, 4);
        assertThat(MultiExitResNet.build(strided).output(false, Nd4j.rand(new long[] {2, 1, 28, 28}))[2].shape())
                .containsExactly(2L, 10L);
    }

    @Test
    void stageGraphsWithCopiedParamsReproduceTheFullGraph() {
        MultiExitResNetConfig c = MultiExitResNetConfig.tiny();
        ComputationGraph full = MultiExitResNet.build(c);
        INDArray x = Nd4j.rand(new long[] {5, 1, 28, 28});
        INDArray[] ref = full.output(false, x);
        StagedModel staged = MultiExitResNet.earlyExitModel(c, full).predictor().model();
        java.util.Map<String, INDArray> state = new java.util.HashMap<>(java.util.Map.of(MultiExitResNet.INPUT, x));
        for (int s = 0; s < c.numStages(); s++) {
            ExitStage stage = staged.stages().get(s);
            java.util.Map<String, INDArray> in = new java.util.HashMap<>();
            stage.inputs().forEach(n -> in.put(n, state.get(n)));
            ExitStage.Output o = stage.run(in, true, true);
            assertThat(o.probabilities().equalsWithEps(ref[s], 0.0)).as("exit " + (s + 1)).isTrue();
            state.putAll(o.state());
        }
    }
}
