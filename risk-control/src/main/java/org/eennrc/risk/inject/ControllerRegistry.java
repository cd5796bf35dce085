package org.eennrc.risk.inject;

import com.google.inject.Guice;
import com.google.inject.Inject;
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

/**
 * Looks controllers up by name: the explicitly bound ones first, then {@code ucb-<bound>} for every bound
 * upper bound, then {@code ltt-<procedure>} (HB p-value) and {@code ltt-<procedure>-<p-value>}.
 */
public final class ControllerRegistry {
    private final Map<String, RiskController> controllers;

    @Inject
    public ControllerRegistry(Map<String, RiskController> controllers, Map<String, UpperBound> bounds,
                              Map<String, PValue> pValues, Map<String, FwerProcedure> procedures) {
        Map<String, RiskController> all = new TreeMap<>();
        bounds.forEach((name, b) -> all.put("ucb-" + name, new UcbController(b)));
        PValue hb = pValues.get("hb");
        procedures.forEach((fname, f) -> pValues.forEach((pname, p) -> {
            String name = "ltt-" + fname + (p == hb ? "" : "-" + pname);
            all.put(name, new LttController(p, f));
        }));
        all.putAll(controllers);
        this.controllers = Map.copyOf(all);
    }

    /** The registry of the built-in module plus any user modules. */
    public static ControllerRegistry create(Module... userModules) {
        List<Module> modules = new ArrayList<>();
        modules.add(new RiskControlModule());
        modules.addAll(List.of(userModules));
        return Guice.createInjector(modules).getInstance(ControllerRegistry.class);
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
