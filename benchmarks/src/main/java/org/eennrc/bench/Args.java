package org.eennrc.bench;

import java.util.HashMap;
import java.util.Map;

/** Minimal {@code --key value} / {@code --key=value} / {@code --flag} parsing for the bench entry points (no CLI library). */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    public Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String k = a.substring(2);
            int eq = k.indexOf('=');
            if (eq >= 0) {
                values.put(k.substring(0, eq), k.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(k, args[++i]);
            } else {
                values.put(k, "true");
            }
        }
    }

    public String get(String k, String def) {
        return values.getOrDefault(k, def);
    }

    public int getInt(String k, int def) {
        return values.containsKey(k) ? Integer.parseInt(values.get(k)) : def;
    }

    public double getDouble(String k, double def) {
        return values.containsKey(k) ? Double.parseDouble(values.get(k)) : def;
    }

    public boolean flag(String k) {
        return Boolean.parseBoolean(values.getOrDefault(k, "false"));
    }

    public boolean has(String k) {
        return values.containsKey(k);
    }

    static int[] ints(String s) {
        return java.util.Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    /**
     * The ResNet of the architecture flags ({@code --widths}, {@code --blocks}, {@code --strides}, {@code --stem},
     * {@code --stem-stride}, {@code --head-hidden}, {@code --seed}); unset flags keep the defaults.
     */
    org.eennrc.models.MultiExitResNetConfig resnetConfig() {
        org.eennrc.models.MultiExitResNetConfig d = org.eennrc.models.MultiExitResNetConfig.defaults();
        org.eennrc.models.MultiExitResNetConfig.Builder mb = d.toBuilder();
        if (has("widths")) {
            mb.widths(ints(get("widths", "")));
        }
        if (has("blocks")) {
            mb.blocks(ints(get("blocks", "")));
        }
        if (has("strides")) {
            mb.strides(ints(get("strides", "")));
        }
        mb.stemWidth(getInt("stem", d.stemWidth()));
        mb.stemStride(getInt("stem-stride", d.stemStride()));
        mb.headHidden(getInt("head-hidden", 0));
        mb.seed(getInt("seed", 42));
        return mb.build();
    }
}
