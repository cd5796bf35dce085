/**
 * The one training loop, for any multi-exit network: {@link org.eennrc.models.train.EarlyExitTrainer} trains a
 * {@link org.eennrc.models.train.TrainableNetwork} ({@link org.eennrc.models.train.GraphNetwork} for a DL4J graph)
 * on {@link org.eennrc.models.train.EpochData}, and {@link org.eennrc.models.train.TrainingListener}s that combine add
 * progress, per-exit validation and {@link org.eennrc.models.train.Checkpoints} (exact resume).
 * {@link org.eennrc.models.train.TrainConfig} holds the shared training settings and
 * {@link org.eennrc.models.train.Trainer} is the built-in ResNet's recipe.
 */
package org.eennrc.models.train;
