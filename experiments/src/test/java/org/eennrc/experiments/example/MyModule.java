package org.eennrc.experiments.example;

import com.google.inject.AbstractModule;
import org.eennrc.risk.inject.RiskControlModule;

/** Registers the new controller and the new bound by name; the bound gives the controller ucb-bernstein. */
public final class MyModule extends AbstractModule {
    @Override
    protected void configure() {
        RiskControlModule.controllers(binder()).addBinding("naive-margin").toInstance(new MarginController(0.01));
        RiskControlModule.upperBounds(binder()).addBinding("bernstein").to(EmpiricalBernsteinBound.class);
    }
}
