package org.eennrc.cli;

/**
 * A problem with the user's input (a file, a value, a shape) that the CLI reports as one line on stderr with
 * exit code {@link EennCli#EXIT_INPUT}, without a stack trace.
 */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
