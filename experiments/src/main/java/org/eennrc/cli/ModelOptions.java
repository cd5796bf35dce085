package org.eennrc.cli;

import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/** Shared helpers of the model commands (train, export, infer): option parsing and error translation. */
final class ModelOptions {
    private ModelOptions() {}

    /** An enum constant by case-insensitive name, or a CLI error listing the choices. */
    static <E extends Enum<E>> E enumValue(Class<E> type, String name, String option) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(name.trim().replace('-', '_'))) return e;
        }
        throw new CliException(option + ": unknown value '" + name + "'; known: "
                + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }

    /** True for a folder written by the transformer trainer (model.sd + vocab.txt), false for a ResNet. */
    static boolean isTransformer(java.nio.file.Path model) {
        return java.nio.file.Files.isRegularFile(model.resolve(org.eennrc.models.text.TextTrainer.MODEL_FILE));
    }

    /**
     * Runs model code, turning the exceptions that mean bad input (missing data, a corrupt checkpoint, a policy
     * for another model) into one-line CLI errors.
     */
    static <T> T modelCall(Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            String msg = e.getMessage() != null ? e.getMessage() : e.toString();
            if (e instanceof UncheckedIOException u && u.getCause() != null && u.getCause().getMessage() != null) {
                msg = msg + ": " + u.getCause().getMessage();
            }
            throw new CliException(msg, e);
        }
    }
}
