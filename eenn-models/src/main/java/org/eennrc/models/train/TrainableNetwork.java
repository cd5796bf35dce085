package org.eennrc.models.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

import org.eennrc.models.EarlyExitModel;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * What {@link EarlyExitTrainer} trains: a multi-exit network that takes one optimisation step per batch and can save
 * and restore its whole training state (parameters, updater state such as Adam's moments, iteration and epoch
 * counters), so that a resumed run continues exactly where the interrupted one stopped.
 *
 * <p>Implementations: {@link GraphNetwork} for any DL4J {@code ComputationGraph}; the transformer's SameDiff network
 * in {@code org.eennrc.models.text}.
 */
public interface TrainableNetwork {

    /**
     * One optimisation step on a batch (every exit's loss, as the network defines it).
     *
     * @param measureLoss whether to return the loss of the batch before the update
     * @return that loss, or NaN when not asked
     */
    double fit(MultiDataSet batch, boolean measureLoss);

    /** Whether {@link #fit} measures the loss at no extra cost; if not, the trainer asks for it on a sample of batches. */
    default boolean lossIsFree() {
        return false;
    }

    /** Optimisation steps taken so far (drives learning-rate schedules). */
    int iteration();

    /** Records that {@code epochs} epochs are complete. */
    void setEpochs(int epochs);

    /** Number of parameters, for the start message. */
    long numParams();

    /** The network as an early-exit model, live: it sees the current parameters (for validation). */
    EarlyExitModel model();

    /** File name extension of {@link #save}'s format, without the dot (e.g. {@code zip}). */
    String fileExtension();

    /**
     * Writes the parameters, and with {@code withUpdater} the updater state and counters, as one file's content (the
     * caller makes the write atomic).
     */
    void save(OutputStream out, boolean withUpdater) throws IOException;

    /**
     * Replaces the training state by the one saved (with updater) in {@code file}, at the given iteration and number
     * of completed epochs (recorded beside it by {@link Checkpoints}).
     */
    void restore(Path file, int iteration, int epochs) throws IOException;
}
