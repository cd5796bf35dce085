package org.eennrc.spark;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The small two-exit test network (not a network eenn-rc ships) and the data of the Spark tests. */
final class TestNets {
    static final InputType IMAGE = InputType.convolutional(28, 28, 1);
    private static FashionMnist cached;

    private TestNets() {
    }

    /** conv(8)+BN+pool → exit 1; conv(16)+pool → exit 2; Adam. */
    static ComputationGraph twoExitCnn(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).updater(new Adam(2e-3)).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("image").setInputTypes(IMAGE)
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.IDENTITY).build(),
                        "image")
                .addLayer("bn1", new BatchNormalization.Builder().activation(Activation.RELU).build(), "conv1")
                .addLayer("pool1", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
                        "bn1")
                .addLayer("exit1", new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER).build(), "pool1")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.RELU).build(),
                        "pool1")
                .addLayer("pool2", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
                        "conv2")
                .addLayer("exit2", new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER).build(), "pool2")
                .setOutputs("exit1", "exit2")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static synchronized FashionMnist fashionMnist() {
        if (cached == null) {
            cached = FashionMnist.load(null, 1000, 42);
        }
        return cached;
    }

    static ImageSet train(int n) {
        return fashionMnist().train().range(0, n);
    }

    static ImageSet heldOut(int n) {
        return fashionMnist().test().range(0, n);
    }

    /** Mean joint loss (the sum of both exits' cross-entropies) per sample on {@code data}. */
    static double loss(ComputationGraph g, MultiDataSetIterator data) {
        double sum = 0;
        long n = 0;
        data.reset();
        while (data.hasNext()) {
            MultiDataSet b = data.next();
            INDArray[] all = new INDArray[g.getNumOutputArrays()];
            Arrays.fill(all, b.getLabels(0));
            long m = b.getFeatures(0).size(0);
            sum += g.score(new org.nd4j.linalg.dataset.MultiDataSet(b.getFeatures(), all), false) * m;
            n += m;
        }
        return sum / n;
    }
}
