/**
 * Early-exit networks in Java: one abstraction for any network with exits, and the built-in ResNet.
 *
 * <p>{@link org.eennrc.models.EarlyExitModel} is what risk control needs of a network (method.md §1, §5): its number
 * of exits, the cost of answering at each one (counted from the network), the outputs of every exit on a data set
 * (for calibration), and an {@link org.eennrc.models.EarlyExitPredictor} that runs real early exit under an
 * {@link org.eennrc.core.ExitPolicy}, computing later stages only for the samples that stay, with exactly the
 * decisions of the simulated exit. Implementations:
 * <ul>
 *   <li>{@link org.eennrc.models.ComputationGraphModel}: any DL4J {@code ComputationGraph} whose exits are output
 *       layers; stages and costs are derived from the graph;</li>
 *   <li>{@link org.eennrc.models.StagedModel}: a network given stage by stage ({@link org.eennrc.models.ExitStage},
 *       the plug-in seam for networks that are not one graph), e.g. SameDiff blocks through
 *       {@link org.eennrc.models.SameDiffStage}.</li>
 * </ul>
 * The built-in ResNet ({@link org.eennrc.models.MultiExitResNet}) is a {@code ComputationGraphModel};
 * {@link org.eennrc.models.Exporter} writes outputs as the interchange npz; {@link org.eennrc.models.ModelIO} saves
 * and loads trained ResNets; {@link org.eennrc.models.SpeedTest} times real early exit against the full model (the
 * speedup a deployment gets, measured rather than predicted from multiply-adds); {@link org.eennrc.models.Dl4jRuntime} checks (and, for entry points, sets) the DL4J
 * settings of docs/dl4j-notes.md. Training is in {@code org.eennrc.models.train}; the transformer in
 * {@code org.eennrc.models.text}; {@code org.eennrc.models.internal} is not API.
 */
package org.eennrc.models;
