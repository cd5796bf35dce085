package org.eennrc.experiments.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eennrc.risk.protocol.ProtocolSettings;

/** Config values that accept more than one spelling, with their own precise error messages. */
public final class Values {
    private Values() {}

    /** One integer or a list of integers ({@code n_cal: 100} or {@code n_cal: [100, 1000]}). */
    @JsonDeserialize(using = IntList.Deserializer.class)
    public record IntList(List<Integer> values) {
        static final String EXPECTED = "expected an integer or a list of integers";

        public static IntList of(Integer... v) {
            return new IntList(List.of(v));
        }

        static final class Deserializer extends JsonDeserializer<IntList> {
            @Override
            public IntList deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                JsonNode n = p.readValueAsTree();
                List<Integer> out = new ArrayList<>();
                if (n.isArray()) {
                    if (n.isEmpty()) throw JsonMappingException.from(p, EXPECTED + ", got an empty list");
                    for (JsonNode e : n) {
                        if (!e.canConvertToExactIntegral() || !e.canConvertToInt()) {
                            throw JsonMappingException.from(p, EXPECTED + ", got " + ConfigLoader.show(e) + " in the list");
                        }
                        out.add(e.intValue());
                    }
                } else if (n.canConvertToExactIntegral() && n.canConvertToInt()) {
                    out.add(n.intValue());
                } else {
                    throw JsonMappingException.from(p, EXPECTED + ", got " + ConfigLoader.show(n));
                }
                return new IntList(List.copyOf(out));
            }
        }
    }

    /**
     * The ε grid: a {@code start:stop:step} string (stop included), a comma list string, one number or a list of
     * numbers.
     */
    @JsonDeserialize(using = Grid.Deserializer.class)
    public record Grid(double[] values, String spec) {
        static final String EXPECTED = "expected a grid 'start:stop:step', a number or a list of numbers";

        public static Grid parse(String spec) {
            return new Grid(ProtocolSettings.parseGrid(spec), spec);
        }

        static final class Deserializer extends JsonDeserializer<Grid> {
            @Override
            public Grid deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                JsonNode n = p.readValueAsTree();
                if (n.isTextual()) {
                    try {
                        return parse(n.textValue());
                    } catch (IllegalArgumentException e) {
                        throw JsonMappingException.from(p, EXPECTED + ", got " + ConfigLoader.show(n) + " (" + e.getMessage() + ")");
                    }
                }
                if (n.isNumber()) return new Grid(new double[] {n.doubleValue()}, n.asText());
                if (n.isArray() && !n.isEmpty()) {
                    double[] v = new double[n.size()];
                    for (int i = 0; i < v.length; i++) {
                        if (!n.get(i).isNumber()) {
                            throw JsonMappingException.from(p, EXPECTED + ", got " + ConfigLoader.show(n.get(i)) + " in the list");
                        }
                        v[i] = n.get(i).doubleValue();
                    }
                    return new Grid(v, n.toString());
                }
                throw JsonMappingException.from(p, EXPECTED + ", got " + ConfigLoader.show(n));
            }
        }
    }
}
