package org.eennrc.experiments;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.experiments.config.ConfigException;
import org.eennrc.experiments.config.ExperimentConfig;
import org.eennrc.experiments.data.CachedScoresData;
import org.eennrc.experiments.data.ExperimentData;
import org.eennrc.experiments.data.FashionMnistResnetSource;
import org.eennrc.experiments.data.NpzOutputsSource;
import org.eennrc.experiments.data.OutputsData;
import org.eennrc.experiments.data.OutputsSource;
import org.eennrc.experiments.data.RunOptions;
import org.eennrc.experiments.data.WordNetTransformerSource;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.UpperBound;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.inject.RiskControlModule;

/**
 * Turns an {@link ExperimentConfig} into the object graph of an experiment:
 *
 * <ul>
 *   <li>the risk-control seams ({@link RiskControlModule}) plus the config's {@code custom_controllers} and
 *       {@code custom_bounds}, each bound by name into the same Guice MapBinders a user module would use;</li>
 *   <li>{@link ConfiguredControllers}: the config's controller names resolved through {@link ControllerRegistry};</li>
 *   <li>{@link ExperimentData} and, for outputs-based experiments, {@link OutputsSource}, chosen by
 *       {@code data.type}: cached scores, an interchange .npz, the Fashion-MNIST ResNet (trained or cached) or the
 *       WordNet transformer;</li>
 *   <li>the {@link ConfidenceMeasure} named by {@code confidence}.</li>
 * </ul>
 *
 * Swapping a controller, a bound, a risk or the data is a config edit. Extra modules passed to {@link #injector}
 * can add more bindings (a test, or a program embedding the library).
 */
public final class ExperimentModule extends AbstractModule {
    private final ExperimentConfig config;
    private final RunOptions options;
    private final Map<String, Class<? extends RiskController>> customControllers = new LinkedHashMap<>();
    private final Map<String, Class<? extends UpperBound>> customBounds = new LinkedHashMap<>();

    public ExperimentModule(ExperimentConfig config, RunOptions options) {
        this.config = config;
        this.options = options;
        String where = String.valueOf(config.source);
        config.customControllers.forEach((name, cls) ->
                customControllers.put(name, load(where, "custom_controllers." + name, cls, RiskController.class)));
        config.customBounds.forEach((name, cls) ->
                customBounds.put(name, load(where, "custom_bounds." + name, cls, UpperBound.class)));
    }

    /** The injector of a config, with any extra modules; Guice errors become config errors. */
    public static Injector injector(ExperimentConfig config, RunOptions options, Module... extra) {
        List<Module> modules = new ArrayList<>();
        modules.add(new ExperimentModule(config, options));
        modules.addAll(List.of(extra));
        try {
            return Guice.createInjector(modules);
        } catch (CreationException e) {
            String msg = e.getErrorMessages().isEmpty() ? e.getMessage()
                    : e.getErrorMessages().iterator().next().getMessage();
            throw new ConfigException(String.valueOf(config.source), "custom_controllers",
                    "cannot create the configured objects: " + msg.lines().findFirst().orElse(msg), e);
        }
    }

    private static <T> Class<? extends T> load(String where, String key, String className, Class<T> type) {
        Class<?> c;
        try {
            c = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException(where, key, "class " + className + " is not on the classpath", e);
        }
        if (!type.isAssignableFrom(c)) {
            throw new ConfigException(where, key, "class " + className + " does not implement " + type.getName());
        }
        if (c.isInterface() || java.lang.reflect.Modifier.isAbstract(c.getModifiers())) {
            throw new ConfigException(where, key, "class " + className + " is abstract; name a concrete class");
        }
        return c.asSubclass(type);
    }

    @Override
    protected void configure() {
        install(new RiskControlModule());
        bind(ExperimentConfig.class).toInstance(config);
        bind(RunOptions.class).toInstance(options);
        customControllers.forEach((name, cls) -> RiskControlModule.controllers(binder()).addBinding(name).to(cls));
        customBounds.forEach((name, cls) -> RiskControlModule.upperBounds(binder()).addBinding(name).to(cls));

        if (config.data instanceof ExperimentConfig.CachedScores) {
            bind(ExperimentData.class).to(CachedScoresData.class);
        } else {
            bind(ExperimentData.class).to(OutputsData.class);
            if (config.data instanceof ExperimentConfig.Outputs) {
                bind(OutputsSource.class).to(NpzOutputsSource.class);
            } else if (config.data instanceof ExperimentConfig.FashionMnist) {
                bind(OutputsSource.class).to(FashionMnistResnetSource.class);
            } else {
                bind(OutputsSource.class).to(WordNetTransformerSource.class);
            }
        }
    }

    @Provides
    @Singleton
    ConfidenceMeasure confidence(ExperimentConfig c) {
        String name = c.confidence == null ? ConfidenceMeasures.DEFAULT : c.confidence;
        try {
            return ConfidenceMeasures.byName(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(String.valueOf(c.source), "confidence", e.getMessage(), e);
        }
    }

    @Provides
    @Singleton
    ConfiguredControllers controllers(ExperimentConfig c, ControllerRegistry registry) {
        Map<String, RiskController> out = new LinkedHashMap<>();
        for (int i = 0; i < c.controllers.size(); i++) {
            String name = c.controllers.get(i).trim();
            try {
                out.put(name, registry.get(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(String.valueOf(c.source), "controllers[" + i + "]", e.getMessage(), e);
            }
        }
        return new ConfiguredControllers(out);
    }

    /** The config's controllers, by the name the config uses, in config order. */
    public record ConfiguredControllers(Map<String, RiskController> byName) {
        public List<String> names() {
            return List.copyOf(byName.keySet());
        }

        public List<RiskController> list() {
            return List.copyOf(byName.values());
        }
    }
}
