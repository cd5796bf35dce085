package org.eennrc.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import org.eennrc.risk.inject.ControllerRegistry;
import org.eennrc.risk.inject.RiskControlModule;
import org.junit.jupiter.api.Test;

/** The Guice seams: a user adds a controller, a bound, a p-value or a procedure without touching the library. */
class RegistryTest {

    @Test
    void builtInNamesFromTheIssue() {
        assertThat(ControllerRegistry.create().names()).contains("naive", "crc", "crc-prefix", "ucb-hoeffding",
                "ucb-bentkus", "ucb-hb", "ucb-wsr", "ltt-fst", "ltt-bonferroni");
    }

    /** A user's controller: always the full model, with the expectation guarantee trivially. */
    static final class FullModelController implements RiskController {
        public String name() {
            return "full-model";
        }

        public Guarantee guarantee() {
            return Guarantee.EXPECTATION;
        }

        public Calibration prepare(LossMatrix cal, double delta) {
            return new Calibration() {
                public int selectIndex(double epsilon) {
                    return 0;
                }

                public CalibrationResult select(double epsilon) {
                    return new CalibrationResult(name(), epsilon, delta, cal.numSamples(), 0, true, guarantee(),
                            "none", new double[cal.numLambdas()], LossTransform.NONE, cal.mean(0));
                }
            };
        }
    }

    @Test
    void userModuleAddsAControllerAndABound() {
        ControllerRegistry registry = ControllerRegistry.create(new AbstractModule() {
            @Override
            protected void configure() {
                RiskControlModule.controllers(binder()).addBinding("full-model").to(FullModelController.class);
                RiskControlModule.upperBounds(binder()).addBinding("trivial").toInstance(new UpperBound() {
                    public String name() {
                        return "trivial";
                    }

                    public LossTransform transform(double b) {
                        return LossTransform.clipAndScale(b);
                    }

                    public double upperBound(BoundedSample s, double delta) {
                        return s.bound();
                    }
                });
            }
        });
        LossMatrix zeros = LossMatrix.of(new double[5][20], 1);
        assertThat(registry.get("full-model").calibrate(zeros, 0.1, 0.1).index()).isZero();
        // the bound gives a UCB controller; bound = B = 1 is never below ε, so nothing is certified
        assertThat(registry.get("ucb-trivial").calibrate(zeros, 0.5, 0.1).feasible()).isFalse();
        // built-ins are still there
        assertThat(registry.get("crc").calibrate(zeros, 0.1, 0.1).index()).isEqualTo(4);
    }

    @Test
    void everyNameIsTheControllersOwnName() {
        ControllerRegistry registry = ControllerRegistry.create();
        for (String name : registry.names()) assertThat(registry.get(name).name()).as(name).isEqualTo(name);
        assertThat(registry.names()).contains("ltt-fst-binomial", "ltt-bonferroni-binomial");
    }

    @Test
    void aControllerBoundUnderAnotherNameIsRefusedNamingBoth() {
        assertThatThrownBy(() -> ControllerRegistry.create(new AbstractModule() {
            @Override
            protected void configure() {
                RiskControlModule.controllers(binder()).addBinding("my-full").to(FullModelController.class);
            }
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("controller bound as 'my-full'")
                .hasMessageContaining("name() 'full-model'").hasMessageContaining(FullModelController.class.getName());
    }

    @Test
    void aBoundUnderAnotherNameIsRefused() {
        assertThatThrownBy(() -> ControllerRegistry.create(new AbstractModule() {
            @Override
            protected void configure() {
                RiskControlModule.upperBounds(binder()).addBinding("hoeff").to(org.eennrc.risk.bounds.HoeffdingBound.class);
            }
        })).hasMessageContaining("upper bound bound as 'hoeff'").hasMessageContaining("name() 'hoeffding'");
        assertThatThrownBy(() -> ControllerRegistry.create(new AbstractModule() {
            @Override
            protected void configure() {
                RiskControlModule.pValues(binder()).addBinding("bin").to(org.eennrc.risk.ltt.BinomialPValue.class);
            }
        })).hasMessageContaining("p-value bound as 'bin'").hasMessageContaining("name() 'binomial'");
    }

    @Test
    void aControllerMayNotTakeAComposedNameOrACommaName() {
        assertThatThrownBy(() -> ControllerRegistry.create(new AbstractModule() {
            @Override
            protected void configure() {
                RiskControlModule.controllers(binder()).addBinding("ucb-wsr").toInstance(renamed("ucb-wsr"));
            }
        })).hasMessageContaining("'ucb-wsr'").hasMessageContaining("composed from upper bound 'wsr'");
        assertThatThrownBy(() -> ControllerRegistry.create(new AbstractModule() {
            @Override
            protected void configure() {
                RiskControlModule.controllers(binder()).addBinding("a,b").toInstance(renamed("a,b"));
            }
        })).hasMessageContaining("without commas or spaces");
    }

    private static RiskController renamed(String name) {
        return new RiskController() {
            public String name() {
                return name;
            }

            public Guarantee guarantee() {
                return Guarantee.NONE;
            }

            public Calibration prepare(LossMatrix cal, double delta) {
                return new FullModelController().prepare(cal, delta);
            }
        };
    }
}
