package org.eennrc.models.internal;

import java.util.Arrays;
import java.util.Locale;
import org.eennrc.models.SettingException;

/** The range checks of the configuration records, each failure a {@link SettingException} naming the key. */
public final class Checks {
    private Checks() {}

    public static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw new SettingException(key, "must be at least " + min + ", got " + value);
        }
    }

    public static <T> T present(String key, T value, Class<?> type) {
        if (value == null) {
            String choices = type.isEnum()
                    ? "; expected one of " + Arrays.stream(type.getEnumConstants())
                            .map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT)).toList()
                    : "";
            throw new SettingException(key, "is missing" + choices);
        }
        return value;
    }

    public static void positive(String key, double value) {
        if (!(Double.isFinite(value) && value > 0)) {
            throw new SettingException(key, "must be a finite number > 0, got " + value);
        }
    }

    public static void nonNegative(String key, double value) {
        if (!(Double.isFinite(value) && value >= 0)) {
            throw new SettingException(key, "must be a finite number >= 0, got " + value);
        }
    }

    /** In [0, 1). */
    public static void fraction(String key, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new SettingException(key, "must be in [0, 1), got " + value);
        }
    }

    /** One entry per stage, each at least {@code min}. */
    public static int[] perStage(String key, int[] values, int min) {
        present(key, values, int[].class);
        for (int i = 0; i < values.length; i++) {
            atLeast(key + "[" + i + "]", values[i], min);
        }
        return values.clone();
    }
}
