package org.eennrc.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.eennrc.models.MultiExitResNetConfig;

/**
 * Minimal {@code --key value} / {@code --key=value} / {@code --flag} parsing for the bench entry points (no CLI
 * library). Each bench names the options it knows; any other option is refused, so that a mistyped or retired option
 * (such as {@code --fold}) is an error instead of a run with silently different settings.
 */
final class Args {
    /** The ResNet architecture options read by {@link #resnetConfig()}. */
    static final Set<String> RESNET = Set.of("widths", "blocks", "strides", "stem", "stem-stride", "head-hidden", "seed");

    private final Map<String, String> values = new HashMap<>();

    /**
     * Parses {@code args}.
     *
     * @param known every option the bench accepts (without the leading {@code --})
     * @throws IllegalArgumentException naming an argument that is not an option, or an unknown option
     */
    Args(String[] args, Set<String> known) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + a + "': options are --name [value]");
            }
            String k = a.substring(2);
            String v;
            int eq = k.indexOf('=');
            if (eq >= 0) {
                v = k.substring(eq + 1);
                k = k.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                v = args[++i];
            } else {
                v = "true";
            }
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k + "; this bench knows --"
                        + String.join(", --", new TreeSet<>(known)));
            }
            if (values.put(k, v) != null) {
                throw new IllegalArgumentException("option --" + k + " given twice");
            }
        }
    }

    String get(String k, String def) {
        return values.getOrDefault(k, def);
    }

    int getInt(String k, int def) {
        if (!values.containsKey(k)) {
            return def;
        }
        try {
            return Integer.parseInt(values.get(k).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + k + " needs an integer, got '" + values.get(k) + "'");
        }
    }

    double getDouble(String k, double def) {
        if (!values.containsKey(k)) {
            return def;
        }
        try {
            return Double.parseDouble(values.get(k).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + k + " needs a number, got '" + values.get(k) + "'");
        }
    }

    /** An enum constant by its name in any case ({@code adam}, {@code ADAM}), or {@code def} when absent. */
    <E extends Enum<E>> E getEnum(String k, Class<E> type, E def) {
        if (!values.containsKey(k)) {
            return def;
        }
        String v = values.get(k).trim();
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        StringBuilder names = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            names.append(names.length() == 0 ? "" : ", ").append(e.name().toLowerCase(java.util.Locale.ROOT));
        }
        throw new IllegalArgumentException("--" + k + " must be one of " + names + ", got '" + v + "'");
    }

    /** A comma-separated list of numbers, or {@code def} when the option is absent. */
    double[] getDoubles(String k, double[] def) {
        if (!values.containsKey(k)) {
            return def;
        }
        try {
            return Arrays.stream(values.get(k).split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + k + " needs comma-separated numbers, got '" + values.get(k) + "'");
        }
    }

    /** A comma-separated list of integers, or null when the option is absent. */
    int[] getInts(String k) {
        if (!values.containsKey(k)) {
            return null;
        }
        try {
            return Arrays.stream(values.get(k).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + k + " needs comma-separated integers, got '" + values.get(k) + "'");
        }
    }

    /** A switch: absent is false; {@code --x}, {@code --x true} are true; {@code --x false} is false. */
    boolean flag(String k) {
        String v = values.getOrDefault(k, "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--" + k + " is a switch (true or false), got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    boolean has(String k) {
        return values.containsKey(k);
    }

    /** Options of {@code base} plus {@code more}. */
    static Set<String> known(Set<String> base, String... more) {
        Set<String> s = new TreeSet<>(base);
        s.addAll(Arrays.asList(more));
        return s;
    }

    /**
     * The ResNet of the architecture options ({@link #RESNET}); unset options keep the defaults, except the exit head
     * (no hidden layer) and the seed (42) as the benches have always used.
     */
    MultiExitResNetConfig resnetConfig() {
        MultiExitResNetConfig d = MultiExitResNetConfig.defaults();
        MultiExitResNetConfig.Builder mb = d.toBuilder();
        if (has("widths")) {
            mb.widths(getInts("widths"));
        }
        if (has("blocks")) {
            mb.blocks(getInts("blocks"));
        }
        if (has("strides")) {
            mb.strides(getInts("strides"));
        }
        mb.stemWidth(getInt("stem", d.stemWidth()));
        mb.stemStride(getInt("stem-stride", d.stemStride()));
        mb.headHidden(getInt("head-hidden", 0));
        mb.seed(getInt("seed", 42));
        return mb.build();
    }
}
