package org.eennrc.core;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Function;
import org.eennrc.core.dense.DenseRisk;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.inject.Injectors;
import org.eennrc.risk.inject.Plugins;
import org.eennrc.risk.inject.RiskControlModule;

/**
 * Every named thing of eenn-rc in one place: controllers (with the upper bounds, p-values and FWER procedures they
 * are composed from), confidence measures and risks, the built-ins plus those of the {@link Plugins} in use. Every
 * lookup by name goes through a registry: the CLI's {@code --controller}, {@code --risk} and {@code --confidence},
 * experiment configs, {@link ConfidenceMeasures#byName}, {@link Risks#byName} and {@link ExitPolicy#apply}. So a
 * plug-in jar reaches every command without a config entry.
 *
 * <p>A registry is built by Guice from {@link RiskControlModule}, {@link CoreModule} and the plug-in modules.
 * Each binding key must equal its object's {@code name()} (the same rule as {@link ControllerRegistry}); names of
 * measures and risks are matched case-insensitively with {@code _} read as {@code -}.
 *
 * <p>{@link #current()} is the registry that static lookups use: the entry point (the CLI) sets it with
 * {@link #setCurrent} once it knows the plug-in path; until then it is the built-ins plus the plug-ins on the class
 * path. Immutable and thread-safe.
 */
public final class Registry {
    private static final TypeLiteral<Map<String, ConfidenceMeasure>> MEASURES = new TypeLiteral<>() {};
    private static final TypeLiteral<Map<String, Risk>> RISKS = new TypeLiteral<>() {};
    private static volatile Registry current;

    private final ControllerRegistry controllers;
    private final Map<String, ConfidenceMeasure> measures;
    private final Map<String, Risk> risks;
    private final Plugins plugins;

    private Registry(ControllerRegistry controllers, Map<String, ConfidenceMeasure> measures, Map<String, Risk> risks,
                     Plugins plugins) {
        this.controllers = controllers;
        this.measures = named("confidence measure", measures, ConfidenceMeasure::name, ConfidenceMeasures.names());
        List<String> builtInRisks = new ArrayList<>(Risks.names());
        builtInRisks.addAll(DenseRisk.names());
        this.risks = named("risk", risks, Risk::name, builtInRisks);
        this.plugins = plugins;
    }

    /**
     * The modules a registry is built from: the built-in risk-control and core modules, then the plug-ins'. A
     * program that builds its own injector (as {@code eenn reproduce} does) installs these and calls
     * {@link #of(Injector, Plugins)}.
     */
    public static List<Module> modules(Plugins plugins) {
        List<Module> modules = new ArrayList<>();
        modules.add(new RiskControlModule());
        modules.add(new CoreModule());
        modules.addAll(plugins.modules());
        return modules;
    }

    /**
     * The registry of the built-ins, the given plug-ins and any extra modules (a program's own bindings).
     *
     * @throws IllegalArgumentException when a binding's key and {@code name()} differ, a name is taken twice or a
     *     module fails; the message names the binding
     */
    public static Registry create(Plugins plugins, Module... extra) {
        List<Module> modules = modules(plugins);
        modules.addAll(List.of(extra));
        return of(Injectors.create(modules), plugins);
    }

    /** The registry of an injector that has the {@link #modules} installed. */
    public static Registry of(Injector injector, Plugins plugins) {
        return new Registry(Injectors.get(injector, Key.get(ControllerRegistry.class)),
                Injectors.get(injector, Key.get(MEASURES)), Injectors.get(injector, Key.get(RISKS)), plugins);
    }

    /** The built-ins only, with no plug-in discovery. */
    public static Registry builtIn() {
        return BuiltIn.INSTANCE;
    }

    private static final class BuiltIn {
        static final Registry INSTANCE = create(Plugins.none());
    }

    /**
     * The registry that static lookups by name use: the one set by {@link #setCurrent}, else (computed once) the
     * built-ins plus the plug-ins that {@link java.util.ServiceLoader} finds on the context class path.
     */
    public static Registry current() {
        Registry r = current;
        if (r == null) {
            synchronized (Registry.class) {
                r = current;
                if (r == null) {
                    ClassLoader cl = Thread.currentThread().getContextClassLoader();
                    r = create(Plugins.fromClassPath(cl != null ? cl : Registry.class.getClassLoader()));
                    current = r;
                }
            }
        }
        return r;
    }

    /**
     * Makes {@code registry} the one static lookups use (an entry point does this once it has read the plug-in
     * path); null goes back to class-path discovery on the next {@link #current()}.
     *
     * @return the registry that was current before (null if none had been built), to restore afterwards
     */
    public static Registry setCurrent(Registry registry) {
        synchronized (Registry.class) {
            Registry before = current;
            current = registry;
            return before;
        }
    }

    /** The controllers. */
    public ControllerRegistry controllers() {
        return controllers;
    }

    /** @throws IllegalArgumentException naming the unknown controller and the known ones */
    public RiskController controller(String name) {
        return controllers.get(name);
    }

    /** The controller names, sorted. */
    public SortedSet<String> controllerNames() {
        return controllers.names();
    }

    /**
     * The confidence measure of this name (case-insensitive, {@code _} for {@code -}, and {@code maxsoftmax} for
     * {@code max-softmax}).
     *
     * @throws IllegalArgumentException listing the known names
     */
    public ConfidenceMeasure confidence(String name) {
        return lookup("confidence measure", measures, name);
    }

    /**
     * The risk of this name (case-insensitive, {@code _} for {@code -}); {@code table:<name>} is the risk read from the
     * outputs' per-exit loss table {@code <name>} with the bounds the outputs declare ({@link TableRisk#fromOutputs},
     * method.md §6).
     *
     * @throws IllegalArgumentException listing the known names
     */
    public Risk risk(String name) {
        if (name != null && name.trim().startsWith(TableRisk.PREFIX)) {
            return TableRisk.fromOutputs(name.trim().substring(TableRisk.PREFIX.length()));
        }
        try {
            return lookup("risk", risks, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; or " + TableRisk.PREFIX + "<name> for a per-exit loss"
                    + " table loss_<name> that the outputs carry", e);
        }
    }

    /** The confidence measure names: the built-ins (default first), then the plug-ins', sorted. */
    public List<String> confidenceNames() {
        return List.copyOf(measures.keySet());
    }

    /** The risk names: the five of method.md §2, the five dense ones of §6, then the plug-ins', sorted. */
    public List<String> riskNames() {
        return List.copyOf(risks.keySet());
    }

    /** The plug-ins this registry was built with. */
    public Plugins plugins() {
        return plugins;
    }

    static String normalize(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <T> T lookup(String kind, Map<String, T> byName, String name) {
        if (name == null) throw new IllegalArgumentException(kind + " name is null; known: " + byName.keySet());
        String key = normalize(name);
        for (Map.Entry<String, T> e : byName.entrySet()) {
            if (normalize(e.getKey()).equals(key)) return e.getValue();
        }
        for (Map.Entry<String, T> e : byName.entrySet()) {
            if (normalize(e.getKey()).replace("-", "").equals(key)) return e.getValue();
        }
        throw new IllegalArgumentException("unknown " + kind + " '" + name + "'; known: " + byName.keySet());
    }

    /** Checks keys against name(), and orders the built-ins first (in their documented order), then the rest. */
    private static <T> Map<String, T> named(String kind, Map<String, T> bound, Function<T, String> nameOf,
                                            List<String> builtIns) {
        Map<String, String> normalized = new LinkedHashMap<>();
        for (Map.Entry<String, T> e : bound.entrySet()) {
            ControllerRegistry.requireName(kind, e.getKey(), nameOf.apply(e.getValue()), e.getValue());
            String before = normalized.put(normalize(e.getKey()), e.getKey());
            if (before != null) {
                throw new IllegalArgumentException(kind + " names '" + before + "' and '" + e.getKey() + "' are the"
                        + " same name (names are matched case-insensitively, with _ read as -)");
            }
        }
        Map<String, T> out = new LinkedHashMap<>();
        for (String b : builtIns) if (bound.containsKey(b)) out.put(b, bound.get(b));
        bound.keySet().stream().sorted().forEach(k -> out.putIfAbsent(k, bound.get(k)));
        return Collections.unmodifiableMap(out);
    }
}
