package org.eennrc.models;

/**
 * A configuration value out of range, thrown by the configuration records ({@link MultiExitResNetConfig},
 * {@link org.eennrc.models.text.TransformerConfig}, {@link org.eennrc.models.train.TrainConfig}) when they are built.
 * {@link #key()} is the value's path as a config file spells it ({@code training.learning_rate},
 * {@code training.exit_weights[2]}), so the same message serves a Java caller, a config file and a saved model.
 */
public final class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String problem;

    /**
     * @param key     the setting's path, e.g. {@code training.learning_rate}
     * @param problem what is wrong, e.g. {@code must be a finite number > 0, got NaN}
     */
    public SettingException(String key, String problem) {
        super(key + " " + problem);
        this.key = key;
        this.problem = problem;
    }

    /**
     * The setting exception that caused {@code t} (Jackson wraps what a record's constructor throws), or null.
     */
    public static SettingException causeOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SettingException s) {
                return s;
            }
        }
        return null;
    }

    /** The setting's path as a config file spells it. */
    public String key() {
        return key;
    }

    /** What is wrong with it (the message without the key). */
    public String problem() {
        return problem;
    }
}
