package org.eennrc.experiments;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eennrc.core.ConfidenceMeasure;
import org.eennrc.core.ConfidenceMeasures;
import org.eennrc.core.Registry;
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
import org.eennrc.risk.inject.Injectors;
import org.eennrc.risk.inject.Plugins;
import org.eennrc.risk.inject.RiskControlModule;

/**
 * Turns an {@link ExperimentConfig} into the object graph of an experiment:
 *
 * <ul>
 *   <li>the seams of {@link Registry#modules}: risk-control's controllers, bounds, p-values and procedures, eenn-core's
 *       confidence measures and risks, and every plug-in of {@link Registry#current()} (found by ServiceLoader), plus
 *       the config's {@code custom_controllers} and {@code custom_bounds}, each bound by name into the same Guice
 *       MapBinders a plug-in uses;</li>
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
    private final Plugins plugins = Registry.current().plugins();
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

    /**
     * The injector of a config, with any extra modules; Guice errors and refused bindings (a key that is not the
     * object's {@code name()}) become config errors.
     */
    public static Injector injector(ExperimentConfig config, RunOptions options, Module... extra) {
        List<Module> modules = new ArrayList<>();
        modules.add(new ExperimentModule(config, options));
        modules.addAll(List.of(extra));
        try {
            Injector injector = Injectors.create(modules);
            Injectors.get(injector, Key.get(ControllerRegistry.class));
            return injector;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(String.valueOf(config.source), "custom_controllers",
                    "cannot create the configured objects: " + e.getMessage(), e);
        }
    }

    private static <T> Class<? extends T> load(String where, String key, String className, Class<T> type) {
        Class<?> c;
        try {
            c = Class.forName(className, false, Registry.current().plugins().classLoader());
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
        Registry.modules(plugins).forEach(this::install);
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
            } else if (config.data instanceof ExperimentConfig.FashionScenes) {
                bind(OutputsSource.class).to(org.eennrc.experiments.data.FashionScenesSource.class);
            } else if (config.data instanceof ExperimentConfig.WordNet) {
                bind(OutputsSource.class).to(WordNetTransformerSource.class);
            } else {
                throw new IllegalStateException("no outputs source for data.type " + config.data.type());
            }
        }
    }

    /** The names of this experiment: built-ins, plug-ins, the config's custom classes and any extra module's. */
    @Provides
    @Singleton
    Registry registry(Injector injector) {
        return Registry.of(injector, plugins);
    }

    @Provides
    @Singleton
    ConfidenceMeasure confidence(ExperimentConfig c, Registry registry) {
        String name = c.confidence == null ? ConfidenceMeasures.DEFAULT : c.confidence;
        try {
            return registry.confidence(name);
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
