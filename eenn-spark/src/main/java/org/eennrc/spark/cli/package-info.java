/**
 * The {@code --spark} runner of the {@code eenn} CLI ({@code org.eennrc.cli.spi.SparkBackend}), listed in
 * {@code META-INF/services}; it needs the optional {@code experiments} dependency, which the fat jar includes.
 */
package org.eennrc.spark.cli;
