/**
 * Optional: training and export of any early-exit DL4J {@code ComputationGraph} on an Apache Spark cluster, through
 * DL4J's own Spark integration (docs/distributed.md). No other module depends on this one.
 *
 * <ul>
 *   <li>{@link org.eennrc.spark.SparkEarlyExitTrainer}: data-parallel training with parameter averaging, with the
 *       single-JVM trainer's listeners (per-exit validation, checkpoints with exact resume, progress) run on the
 *       driver after every epoch;</li>
 *   <li>{@link org.eennrc.spark.SparkExporter}: every exit's outputs computed over the partitions and gathered into
 *       the {@code ExitOutputs} that single-JVM export gives (the interchange npz); risk control itself
 *       (method.md §3-§4) then runs on the driver, as it needs only the outputs;</li>
 *   <li>{@link org.eennrc.spark.SparkSetup}: the Spark settings DL4J needs on Java 17.</li>
 * </ul>
 *
 * <p>{@code org.eennrc.spark.cli} holds the runner that {@code eenn train --spark} and {@code eenn export --spark}
 * find by ServiceLoader; {@code internal} holds the functions shipped to executors.
 */
package org.eennrc.spark;
