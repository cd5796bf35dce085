package org.eennrc.risk.internal;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Map;

/**
 * A small pretty-printing JSON writer for the few records the libraries save without a JSON library (exit policies,
 * provenance): objects, arrays, strings, numbers, booleans and null, two-space indentation. Non-finite numbers are
 * written as null, since JSON has no NaN. Internal: not part of the public API.
 */
public final class JsonWriter {
    private JsonWriter() {}

    /**
     * Serialises a value: a {@link Map} (string keys, in iteration order), a {@link Collection} or array, a
     * {@link CharSequence}, {@link Number}, {@link Boolean}, {@link Enum} or null; anything else by its
     * {@code toString()} as a string (paths, instants).
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof CharSequence s) {
            quote(sb, s.toString());
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof Enum<?> e) {
            quote(sb, e.name());
        } else if (v instanceof Map<?, ?> m) {
            writeObject(sb, m, indent);
        } else if (v instanceof Collection<?> c) {
            writeArray(sb, c.toArray(), indent);
        } else if (v.getClass().isArray()) {
            Object[] items = new Object[Array.getLength(v)];
            for (int i = 0; i < items.length; i++) items[i] = Array.get(v, i);
            writeArray(sb, items, indent);
        } else {
            quote(sb, v.toString());
        }
    }

    private static void writeObject(StringBuilder sb, Map<?, ?> obj, int indent) {
        if (obj.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append("{\n");
        int i = 0;
        for (Map.Entry<?, ?> e : obj.entrySet()) {
            sb.append("  ".repeat(indent + 1));
            quote(sb, String.valueOf(e.getKey()));
            sb.append(": ");
            write(sb, e.getValue(), indent + 1);
            if (++i < obj.size()) sb.append(',');
            sb.append('\n');
        }
        sb.append("  ".repeat(indent)).append('}');
    }

    private static void writeArray(StringBuilder sb, Object[] items, int indent) {
        if (items.length == 0) {
            sb.append("[]");
            return;
        }
        sb.append("[\n");
        for (int i = 0; i < items.length; i++) {
            sb.append("  ".repeat(indent + 1));
            write(sb, items[i], indent + 1);
            if (i + 1 < items.length) sb.append(',');
            sb.append('\n');
        }
        sb.append("  ".repeat(indent)).append(']');
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
                    else sb.append(ch);
                }
            }
        }
        sb.append('"');
    }
}
