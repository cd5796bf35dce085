package org.eennrc.experiments.config;

/**
 * A problem with an experiment config, reported as {@code FILE: KEY.PATH: what is wrong}, for example
 * {@code configs/calm.yaml: protocol.n_cal: expected an integer or a list of integers, got "ten"}. An
 * {@link IllegalArgumentException}, so the CLI reports it as invalid input (exit code 1) without a stack trace.
 */
public final class ConfigException extends IllegalArgumentException {
    private final String file;
    private final String key;
    private final String problem;

    public ConfigException(String file, String key, String problem) {
        this(file, key, problem, null);
    }

    public ConfigException(String file, String key, String problem, Throwable cause) {
        super(file + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem, cause);
        this.file = file;
        this.key = key;
        this.problem = problem;
    }

    /** The config file as the user named it. */
    public String file() {
        return file;
    }

    /** The key path, e.g. {@code protocol.n_cal} or {@code risks[1]}; empty for the whole file. */
    public String key() {
        return key;
    }

    public String problem() {
        return problem;
    }
}
