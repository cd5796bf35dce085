package org.eennrc.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eennrc.risk.internal.JsonWriter;

/**
 * A tiny JSON parser (and, through the shared {@link JsonWriter}, writer) for small records (objects of strings,
 * numbers, booleans, null, nested objects and arrays as {@link List}s). eenn-core stays free of JSON libraries; this is all a
 * saved policy needs. Non-finite numbers are written as null.
 */
final class MiniJson {
    private MiniJson() {}

    /** Serialises a map whose values are String, Number, Boolean, null or nested maps; pretty-printed. */
    static String write(Map<String, ?> obj) {
        return JsonWriter.write(obj) + "\n";
    }

    /** Parses one JSON object. Numbers come back as Double (or Long when integral without '.', 'e'). */
    static Map<String, Object> parse(String text) {
        Parser p = new Parser(text);
        p.ws();
        Map<String, Object> m = p.object();
        p.ws();
        if (p.pos != text.length()) throw p.error("trailing characters");
        return m;
    }

    /**
     * Deepest nesting of objects accepted. The records read here nest two levels; the limit keeps a crafted file
     * of a million '{' from overflowing the stack of this recursive parser (a clear error instead).
     */
    static final int MAX_DEPTH = 64;

    private static final class Parser {
        final String s;
        int pos;
        int depth;

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            int line = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) if (s.charAt(i) == '\n') line++;
            return new IllegalArgumentException("JSON: " + what + " at line " + line + " (character " + pos + ")");
        }

        void ws() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        void expect(char c) {
            ws();
            if (pos >= s.length() || s.charAt(pos) != c) throw error("expected '" + c + "'");
            pos++;
        }

        Map<String, Object> object() {
            expect('{');
            if (++depth > MAX_DEPTH) throw error("objects nested deeper than " + MAX_DEPTH + " levels");
            try {
                return members();
            } finally {
                depth--;
            }
        }

        private Map<String, Object> members() {
            Map<String, Object> m = new LinkedHashMap<>();
            ws();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return m;
            }
            while (true) {
                ws();
                String k = string();
                expect(':');
                ws();
                if (m.put(k, value()) != null) throw error("duplicate key '" + k + "'");
                ws();
                if (pos >= s.length()) throw error("unterminated object");
                char c = s.charAt(pos++);
                if (c == '}') return m;
                if (c != ',') throw error("expected ',' or '}'");
            }
        }

        Object value() {
            if (pos >= s.length()) throw error("missing value");
            char c = s.charAt(pos);
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (s.startsWith("true", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) pos++;
            String num = s.substring(start, pos);
            if (num.isEmpty()) throw error("unexpected character '" + c + "'");
            try {
                if (num.indexOf('.') < 0 && num.indexOf('e') < 0 && num.indexOf('E') < 0) return Long.parseLong(num);
                return Double.parseDouble(num);
            } catch (NumberFormatException e) {
                throw error("bad number '" + num + "'");
            }
        }

        List<Object> array() {
            expect('[');
            if (++depth > MAX_DEPTH) throw error("arrays nested deeper than " + MAX_DEPTH + " levels");
            try {
                List<Object> out = new ArrayList<>();
                ws();
                if (pos < s.length() && s.charAt(pos) == ']') {
                    pos++;
                    return out;
                }
                while (true) {
                    ws();
                    out.add(value());
                    ws();
                    if (pos >= s.length()) throw error("unterminated array");
                    char c = s.charAt(pos++);
                    if (c == ']') return out;
                    if (c != ',') throw error("expected ',' or ']'");
                }
            } finally {
                depth--;
            }
        }

        String string() {
            if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string");
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos++);
                if (c == '"') return sb.toString();
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) throw error("unterminated escape");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"': case '\\': case '/': sb.append(e); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u':
                        if (pos + 4 > s.length()) throw error("bad \\u escape");
                        sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                        break;
                    default: throw error("bad escape '\\" + e + "'");
                }
            }
        }
    }
}
