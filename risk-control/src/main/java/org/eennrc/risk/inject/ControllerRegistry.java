package org.eennrc.risk.inject;

import com.google.inject.Inject;
import com.google.inject.Key;
import com.google.inject.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.SortedSet;
import org.eennrc.risk.FwerProcedure;
import org.eennrc.risk.PValue;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.UpperBound;
import org.eennrc.risk.controllers.LttController;
import org.eennrc.risk.controllers.UcbController;
import org.eennrc.risk.perexit.ParetoTesting;

/**
 * Looks controllers up by name: the explicitly bound ones, {@code ucb-<bound>} for every bound upper bound, and
 * {@code ltt-<procedure>} (HB p-value) and {@code ltt-<procedure>-<p-value>} for every (procedure, p-value) pair.
 *
 * <p>The binding key and the bound object's {@code name()} are one source of truth: results are labelled with
 * {@code name()} and looked up by the key, so the constructor refuses, with a message naming both, a binding whose
 * key differs from its object's {@code name()}, a composed UCB or LTT controller whose {@code name()} is not the
 * name composed here, a controller binding that takes a composed name, and a name that could not be written on
 * the command line (blank, or with a comma or a space).
 */
public final class ControllerRegistry {
    private final Map<String, RiskController> controllers;
    private final Map<String, ParetoTesting> perExit;

    @Inject
    public ControllerRegistry(Map<String, RiskController> controllers, Map<String, UpperBound> bounds,
                              Map<String, PValue> pValues, Map<String, FwerProcedure> procedures) {
        bounds.forEach((key, b) -> requireName("upper bound", key, b.name(), b));
        pValues.forEach((key, p) -> requireName("p-value", key, p.name(), p));
        procedures.forEach((key, f) -> requireName("FWER procedure", key, f.name(), f));
        Map<String, RiskController> all = new TreeMap<>();
        Map<String, String> origin = new TreeMap<>();
        bounds.forEach((key, b) -> {
            all.put("ucb-" + key, new UcbController(b));
            origin.put("ucb-" + key, "upper bound '" + key + "'");
        });
        procedures.forEach((fkey, f) -> pValues.forEach((pkey, p) -> {
            String name = "ltt-" + fkey + (LttController.DEFAULT_P_VALUE.equals(pkey) ? "" : "-" + pkey);
            all.put(name, new LttController(p, f));
            origin.put(name, "FWER procedure '" + fkey + "' and p-value '" + pkey + "'");
        }));
        all.forEach((name, c) -> {
            if (!name.equals(c.name())) {
                throw new IllegalArgumentException("controller composed from " + origin.get(name) + " is named '" + name
                        + "' in the registry but its name() is '" + c.name() + "'");
            }
        });
        controllers.forEach((key, c) -> {
            requireName("controller", key, c.name(), c);
            if (all.containsKey(key)) {
                throw new IllegalArgumentException("controller binding '" + key + "' (" + c.getClass().getName()
                        + ") takes the name of the controller composed from " + origin.get(key) + "; choose another name");
            }
            all.put(key, c);
        });
        this.controllers = Map.copyOf(all);
        Map<String, ParetoTesting> pe = new TreeMap<>();
        procedures.forEach((fkey, f) -> pValues.forEach((pkey, p) -> pe.put(ParetoTesting.name(fkey, pkey),
                new ParetoTesting(p, f, ParetoTesting.DEFAULT_SPLIT, 0))));
        pe.keySet().forEach(name -> {
            if (all.containsKey(name)) {
                throw new IllegalArgumentException("controller binding '" + name + "' takes the name of a per-exit "
                        + "Pareto Testing controller; choose another name");
            }
        });
        this.perExit = Map.copyOf(pe);
    }

    /**
     * The per-exit controller (method.md §7) of this name, {@code pareto-ltt} (fixed-sequence testing, HB p-value) or
     * {@code pareto-ltt-<procedure>[-<p-value>]} for every bound FWER procedure and p-value, with the given split
     * fraction and split seed.
     *
     * @throws IllegalArgumentException naming the unknown controller and the known per-exit ones
     */
    public ParetoTesting perExit(String name, double split, long seed) {
        ParetoTesting c = perExit.get(name.trim());
        if (c == null) {
            throw new IllegalArgumentException("unknown per-exit controller '" + name + "'; known: "
                    + String.join(", ", perExitNames()));
        }
        return c.withSplit(split, seed);
    }

    /** Whether {@code name} is a per-exit controller. */
    public boolean isPerExit(String name) {
        return perExit.containsKey(name.trim());
    }

    /** The per-exit controllers' names. */
    public SortedSet<String> perExitNames() {
        return new TreeSet<>(perExit.keySet());
    }

    /**
     * Checks that a binding key is usable on the command line and equals the object's {@code name()}.
     *
     * @throws IllegalArgumentException naming the kind, the key, the name and the class
     */
    public static void requireName(String kind, String key, String name, Object bound) {
        if (key == null || key.isBlank() || !key.equals(key.trim()) || key.contains(",") || key.matches(".*\\s.*")) {
            throw new IllegalArgumentException(kind + " bound as '" + key + "' (" + bound.getClass().getName()
                    + "): a name must be non-blank, without commas or spaces (names are given as comma lists)");
        }
        if (!key.equals(name)) {
            throw new IllegalArgumentException(kind + " bound as '" + key + "' (" + bound.getClass().getName()
                    + ") reports name() '" + name + "'; the binding key and name() must be equal, because results"
                    + " are labelled with name() and looked up by the key");
        }
    }

    /**
     * The registry of the built-in module plus the given modules (no {@link Plugins plug-in} discovery: eenn-core's
     * {@code Registry} adds the plug-ins found by {@link java.util.ServiceLoader}).
     *
     * @throws IllegalArgumentException when a binding's key and {@code name()} differ, or a name is taken twice
     */
    public static ControllerRegistry create(Module... userModules) {
        List<Module> modules = new ArrayList<>();
        modules.add(new RiskControlModule());
        modules.addAll(List.of(userModules));
        return Injectors.get(Injectors.create(modules), Key.get(ControllerRegistry.class));
    }

    /** @throws IllegalArgumentException naming the unknown controller and the known ones */
    public RiskController get(String name) {
        RiskController c = controllers.get(name.trim());
        if (c == null) {
            throw new IllegalArgumentException("unknown controller '" + name + "'; known: " + String.join(", ", names()));
        }
        return c;
    }

    /** Resolves a list of names, keeping their order. */
    public List<RiskController> getAll(List<String> names) {
        List<RiskController> out = new ArrayList<>();
        for (String n : names) out.add(get(n));
        return out;
    }

    public SortedSet<String> names() {
        return new TreeSet<>(controllers.keySet());
    }
}
