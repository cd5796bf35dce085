package org.eennrc.models;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;
import org.eennrc.models.text.TransformerConfig;
import org.eennrc.models.train.TrainConfig;

/**
 * How the configuration records ({@link MultiExitResNetConfig}, {@link TransformerConfig}, {@link TrainConfig}) are
 * read and written as JSON (or YAML): snake_case keys as the records declare them, and a key a document omits takes
 * the value of the record's {@code defaults()}, which is the only place a default is written. Unknown keys, a
 * fraction where an integer belongs ({@code epochs: 2.5}) and a string where a number belongs are errors, and a value
 * out of range is the record's own {@link SettingException}.
 *
 * <p>{@link #module()} adds the defaults to any Jackson mapper (the experiment configs are YAML);
 * {@link #mapper()} is a JSON mapper with every strict setting, as used for {@code model.json} and checkpoints;
 * {@link #canonical} gives the one text of a configuration that does not depend on how it was written (for hashes).
 */
public final class SettingsJson {
    private static final Map<Class<?>, Supplier<?>> DEFAULTS = Map.of(
            MultiExitResNetConfig.class, MultiExitResNetConfig::defaults,
            TransformerConfig.class, TransformerConfig::defaults,
            org.eennrc.models.seg.MultiExitSegNetConfig.class, org.eennrc.models.seg.MultiExitSegNetConfig::defaults,
            TrainConfig.class, TrainConfig::defaults);

    /** Writes the defaults as trees; the records carry their own names, so no configuration is needed. */
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final ObjectMapper STRICT = strict(JsonMapper.builder());
    private static final ObjectMapper CANONICAL = STRICT.copy().configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);

    private SettingsJson() {}

    /** The Jackson module that fills the keys a document omits from the records' {@code defaults()}. */
    public static Module module() {
        SimpleModule m = new SimpleModule("eenn-settings-defaults");
        m.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription bean,
                                                          JsonDeserializer<?> deserializer) {
                Supplier<?> d = DEFAULTS.get(bean.getBeanClass());
                return d == null ? deserializer : new WithDefaults(deserializer, d);
            }
        });
        return m;
    }

    /**
     * The strict settings of every mapper that reads configurations, plus {@link #module()}: unknown keys, nulls for
     * numbers, fractions for integers and coerced scalars ({@code "3"} for 3) are errors.
     */
    public static <M extends ObjectMapper, B extends MapperBuilder<M, B>> M strict(MapperBuilder<M, B> b) {
        return b.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // "trials: 20.5" must be an error, not 20
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .addModule(module())
                .build();
    }

    /** A strict JSON mapper (see {@link #strict}); shared, so {@code copy()} it before changing its settings. */
    public static ObjectMapper mapper() {
        return STRICT;
    }

    /**
     * The canonical JSON of a value: keys sorted, no spaces, numbers as Java prints them. Two configurations with the
     * same settings have the same text however they were written (key order, {@code 3e-3} or {@code 0.003}, defaults
     * written out or omitted), so its hash names a trained model.
     */
    public static String canonical(Object value) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.valueToTree(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a record over the tree of its defaults: the document's keys replace the defaults' keys. */
    private static final class WithDefaults extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;
        private final transient Supplier<?> defaults;

        WithDefaults(JsonDeserializer<?> delegate, Supplier<?> defaults) {
            super(delegate);
            this.defaults = defaults;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new WithDefaults(delegate, defaults);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode given = ctxt.readTree(p);
            JsonNode full = given;
            if (given.isObject()) { // anything else is the record deserializer's error to report
                ObjectNode merged = PLAIN.valueToTree(defaults.get());
                merged.setAll((ObjectNode) given);
                full = merged;
            }
            try (JsonParser q = full.traverse(p.getCodec())) {
                q.nextToken();
                return _delegatee.deserialize(q, ctxt);
            }
        }
    }
}
