package org.eennrc.models.text;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.eennrc.models.train.TrainableNetwork;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * What the text package's SameDiff training graphs ({@link TextTrainer}'s transformer, {@link MiniLmTrainer}'s heads
 * and fine-tuning graphs) share as {@link TrainableNetwork}s: the iteration and epoch counts live in the graph's
 * training config, checkpoints are SameDiff files ({@code .sd}), and a restored graph gets its counts and backward
 * graph back before training resumes. Subclasses supply the batch feed, the parameter count and the model.
 */
abstract class SameDiffNetwork implements TrainableNetwork {
    /** The training graph; replaced by {@link #restore}. */
    SameDiff sd;

    SameDiffNetwork(SameDiff sd) {
        this.sd = sd;
        createGradient(sd);
    }

    /**
     * Builds the backward graph now rather than in the first {@code fit}. (M2.1 prints one "Added differentiated op"
     * line per op while doing so; entry points filter them out with
     * {@link org.eennrc.models.Dl4jRuntime#configureProcess()}.)
     */
    static void createGradient(SameDiff sd) {
        sd.createGradFunction();
    }

    /**
     * One update on a batch whose features feed the placeholders {@code featureNames} in order and whose first labels
     * feed {@code labels}. M2.1's {@code fit()} reports no loss, so when asked the loss is a forward pass of the
     * {@code loss} node before the update (NaN otherwise).
     */
    double fitFeeding(MultiDataSet batch, boolean measureLoss, String[] featureNames, String labels, String loss) {
        double value = Double.NaN;
        if (measureLoss) {
            Map<String, INDArray> feed = new HashMap<>();
            for (int k = 0; k < featureNames.length; k++) {
                feed.put(featureNames[k], batch.getFeatures(k));
            }
            feed.put(labels, batch.getLabels(0));
            value = sd.output(feed, loss).get(loss).getDouble(0);
        }
        sd.fit(batch);
        return value;
    }

    @Override
    public int iteration() {
        return sd.getTrainingConfig().getIterationCount();
    }

    @Override
    public void setEpochs(int epochs) {
        sd.getTrainingConfig().setEpochCount(epochs);
    }

    @Override
    public String fileExtension() {
        return "sd";
    }

    @Override
    public void save(OutputStream out, boolean withUpdater) {
        sd.save(out, withUpdater);
    }

    @Override
    public void restore(Path file, int iteration, int epochs) {
        SameDiff loaded = SameDiff.load(file.toFile(), true);
        loaded.getTrainingConfig().setIterationCount(iteration);
        loaded.getTrainingConfig().setEpochCount(epochs);
        createGradient(loaded);
        sd = loaded;
    }
}
