package org.eennrc.risk.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import org.eennrc.risk.FwerProcedure;
import org.eennrc.risk.PValue;
import org.eennrc.risk.RiskController;
import org.eennrc.risk.UpperBound;
import org.eennrc.risk.bounds.BentkusBound;
import org.eennrc.risk.bounds.HoeffdingBentkusBound;
import org.eennrc.risk.bounds.HoeffdingBound;
import org.eennrc.risk.bounds.WsrBound;
import org.eennrc.risk.controllers.EmpiricalRiskController;
import org.eennrc.risk.ltt.BinomialPValue;
import org.eennrc.risk.ltt.Bonferroni;
import org.eennrc.risk.ltt.FixedSequenceTesting;
import org.eennrc.risk.ltt.HoeffdingBentkusPValue;

/**
 * Binds the built-in controllers, upper bounds, p-values and family-wise error procedures by name, each in
 * its own Guice {@link MapBinder}. These four maps are the plug-in seams: a user adds an entry from their own
 * module, for example
 *
 * <pre>{@code
 * class MyModule extends AbstractModule {
 *   protected void configure() {
 *     RiskControlModule.controllers(binder()).addBinding("my-controller").to(MyController.class);
 *     RiskControlModule.upperBounds(binder()).addBinding("bernstein").to(EmpiricalBernstein.class); // ucb-bernstein
 *   }
 * }
 * ControllerRegistry.create(new MyModule());
 * }</pre>
 *
 * and never touches the library. Made an {@link EennPlugin} and listed in its jar's
 * {@code META-INF/services/org.eennrc.risk.inject.EennPlugin}, the module is found by {@link Plugins} and reaches
 * every {@code eenn} command. {@link ControllerRegistry} composes UCB and LTT controllers from the bound, p-value
 * and procedure maps; each key must equal the bound object's {@code name()}.
 */
public final class RiskControlModule extends AbstractModule {

    @Override
    protected void configure() {
        MapBinder<String, RiskController> c = controllers(binder());
        c.addBinding("naive").toInstance(EmpiricalRiskController.naive());
        c.addBinding("crc").toInstance(EmpiricalRiskController.crc());
        c.addBinding("crc-prefix").toInstance(EmpiricalRiskController.crcPrefix());

        MapBinder<String, UpperBound> b = upperBounds(binder());
        b.addBinding("hoeffding").toInstance(new HoeffdingBound());
        b.addBinding("bentkus").toInstance(new BentkusBound());
        b.addBinding("hb").toInstance(new HoeffdingBentkusBound());
        b.addBinding("wsr").toInstance(new WsrBound());

        MapBinder<String, PValue> p = pValues(binder());
        p.addBinding("hb").toInstance(new HoeffdingBentkusPValue());
        p.addBinding("binomial").toInstance(new BinomialPValue());

        MapBinder<String, FwerProcedure> f = fwerProcedures(binder());
        f.addBinding("fst").toInstance(new FixedSequenceTesting());
        f.addBinding("bonferroni").toInstance(new Bonferroni());
    }

    /** The named controllers (naive, crc, crc-prefix and any the user adds). */
    public static MapBinder<String, RiskController> controllers(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, RiskController.class);
    }

    /** Named upper confidence bounds; each gives a controller {@code ucb-<name>}. */
    public static MapBinder<String, UpperBound> upperBounds(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, UpperBound.class);
    }

    /** Named LTT p-values; {@code hb} is the default, others give {@code ltt-<procedure>-<name>}. */
    public static MapBinder<String, PValue> pValues(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, PValue.class);
    }

    /** Named family-wise error procedures; each gives a controller {@code ltt-<name>}. */
    public static MapBinder<String, FwerProcedure> fwerProcedures(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, FwerProcedure.class);
    }
}
