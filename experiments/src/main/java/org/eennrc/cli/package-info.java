/**
 * The {@code eenn} command line ({@link org.eennrc.cli.EennCli}): {@code controllers}, {@code calibrate},
 * {@code protocol}, {@code train}, {@code export}, {@code infer} and {@code reproduce}. A thin layer: every command
 * parses options, checks its inputs and output locations before the work, calls one library entry point
 * ({@code Calibrator}, {@code PerExitCalibrator}, {@code Protocol.run}, {@code PerExitProtocol.run}, the model API of eenn-models), and prints JSON lines. Plug-in jars reach
 * every command through {@code --plugins} / {@code EENN_PLUGINS}. Java programs call the library, or
 * {@link org.eennrc.cli.EennCli#run} to run a command line in-process; the other classes here are its internals.
 */
package org.eennrc.cli;
