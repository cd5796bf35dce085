package org.eennrc.experiments.example;

import com.google.inject.AbstractModule;
import org.eennrc.risk.inject.EennPlugin;
import org.eennrc.risk.inject.RiskControlModule;

/**
 * Registers the new controller and the new bound by name (each key equals the object's name()); the bound gives
 * the controller ucb-bernstein. As an EennPlugin listed in META-INF/services, every eenn command finds it.
 */
public final class MyModule extends AbstractModule implements EennPlugin {
    @Override
    protected void configure() {
        RiskControlModule.controllers(binder()).addBinding("naive-margin").toInstance(new MarginController(0.01));
        RiskControlModule.upperBounds(binder()).addBinding("bernstein").to(EmpiricalBernsteinBound.class);
    }
}
