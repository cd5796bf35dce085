/**
 * Service interfaces that optional modules implement for the CLI: {@link org.eennrc.cli.spi.SparkBackend} (module
 * {@code eenn-spark}) runs {@code eenn train/export --spark}. The CLI finds implementations with
 * {@link java.util.ServiceLoader}, so it has no compile-time dependency on them.
 */
package org.eennrc.cli.spi;
