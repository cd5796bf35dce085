package org.eennrc.cli;

/**
 * A command line that cannot be meant as written, whatever the files hold: a value that is not a number, a
 * malformed or oversized grid, a count below its minimum ({@code --limit -1}), a name given twice. Reported like
 * picocli's own usage errors: one line on stderr pointing at {@code --help}, exit code {@link EennCli#EXIT_USAGE}.
 */
public final class UsageException extends CliException {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
