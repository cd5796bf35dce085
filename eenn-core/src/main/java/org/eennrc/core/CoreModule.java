package org.eennrc.core;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import org.eennrc.core.dense.DenseRisk;

/**
 * Binds the built-in confidence measures (method.md §1), risks (method.md §2) and table-backed dense risks
 * ({@link DenseRisk}, method.md §6) by name, each in its own Guice
 * {@link MapBinder}, next to risk-control's controller seams. A plug-in (an
 * {@link org.eennrc.risk.inject.EennPlugin} listed in {@code META-INF/services}) adds its own with
 *
 * <pre>{@code
 * CoreModule.confidenceMeasures(binder()).addBinding("margin").toInstance(new MarginConfidence());
 * CoreModule.risks(binder()).addBinding("top5-gap").to(Top5Gap.class);
 * }</pre>
 *
 * and {@link Registry} then serves the names everywhere a name is looked up. A key must equal the object's
 * {@code name()}.
 */
public final class CoreModule extends AbstractModule {

    @Override
    protected void configure() {
        MapBinder<String, ConfidenceMeasure> m = confidenceMeasures(binder());
        for (ConfidenceMeasure c : ConfidenceMeasures.all()) m.addBinding(c.name()).toInstance(c);
        MapBinder<String, Risk> r = risks(binder());
        for (Risk risk : Risks.all()) r.addBinding(risk.name()).toInstance(risk);
        // the dense risks read their per-exit loss tables from the outputs (method.md §6)
        for (DenseRisk d : DenseRisk.values()) r.addBinding(d.riskName()).toInstance(d.risk());
    }

    /** The named confidence measures (the built-ins and any a plug-in adds). */
    public static MapBinder<String, ConfidenceMeasure> confidenceMeasures(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, ConfidenceMeasure.class);
    }

    /** The named risks (the five of method.md §2 and any a plug-in adds). */
    public static MapBinder<String, Risk> risks(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, Risk.class);
    }
}
