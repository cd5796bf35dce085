package org.example.byon;

import java.nio.file.Path;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.eennrc.core.Calibrator;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.core.Split;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.ImageSet;
import org.eennrc.models.train.Checkpoints;
import org.eennrc.models.train.EarlyExitTrainer;
import org.eennrc.models.train.GraphNetwork;
import org.eennrc.models.train.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** A 3-exit CNN that eenn-rc does not ship, trained, calibrated and run with early exit through the library. */
public final class ThreeExitCnn {
    static final InputType IMAGE = InputType.convolutional(28, 28, 1);

    /** Plain DL4J: three convolution blocks, and an exit (average pooling, softmax) after each. */
    public static ComputationGraph build(long seed) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed).updater(new Adam(3e-3)).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("image")
                .setInputTypes(IMAGE);
        String in = "image";
        int[] widths = {16, 32, 64};
        for (int b = 1; b <= 3; b++) {
            g.addLayer("conv" + b, new ConvolutionLayer.Builder(3, 3).nOut(widths[b - 1])
                    .activation(Activation.RELU).build(), in);
            g.addLayer("pool" + b, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                    .build(), "conv" + b);
            g.addLayer("gap" + b, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "pool" + b);
            g.addLayer("exit" + b, new OutputLayer.Builder(LossFunction.MCXENT).nOut(10)
                    .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "gap" + b);
            in = "pool" + b;
        }
        ComputationGraph graph = new ComputationGraph(g.setOutputs("exit1", "exit2", "exit3").build());
        graph.init();
        return graph;
    }

    /** What the example reports. */
    public record Outcome(ComputationGraphModel model, ExitOutputs test, Split split, ExitPolicy policy,
                          ExitResult simulated, ExitResult real, ExitResult full) {
    }

    /** Train on 5,000 images, export the test outputs, calibrate on half of them, run real early exit on the rest. */
    public static Outcome run(Path fashionMnist, Path work) {
        FashionMnist data = FashionMnist.load(fashionMnist, 5000, 42);
        ImageSet train = data.train().range(0, 5000);

        // 1. train with the generic loop: validation, checkpoints (resume with .resume(true)) and progress
        GraphNetwork net = new GraphNetwork(build(42), IMAGE);
        EarlyExitTrainer.builder(net, train.shuffled(32, 42, false))
                .epochs(3).seed(42)
                .listeners(TrainingListener.validation(data.validation().iterator(500)),
                        new Checkpoints(work.resolve("checkpoints"), Map.of("network", "three-exit-cnn"), Map.of()),
                        TrainingListener.printing(System.out, "img"))
                .train();

        // 2. every exit's outputs on the test images, with the cost per exit counted from the graph
        ComputationGraphModel model = ComputationGraphModel.of(net.graph(), IMAGE);
        ExitOutputs test = model.outputs(data.test().iterator(500));

        // 3. calibrate on a random half in one call: prediction gap at most 5 % (CRC, in expectation)
        Split split = Split.random(test, 5000, 7);
        ExitPolicy policy = Calibrator.builder()
                .risk("prediction-gap").controller("crc").epsilon(0.05)
                .build()
                .fit(split.calibration());

        // 4. real early exit on the other half: later blocks run only for the images that stay
        ImageSet rest = data.test().subset(split.testSamples());
        ExitResult real = model.predictor().predict(rest.iterator(128), policy);
        ExitResult full = model.predictor().fullModel(rest.iterator(128));
        return new Outcome(model, test, split, policy, policy.apply(split.test()), real, full);
    }
}
