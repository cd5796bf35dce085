package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import org.eennrc.risk.inject.Plugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one registry of names: built-ins, plug-in measures and risks, and the key == name() rule. */
class RegistryTest {

    /** A plug-in measure: the confidence of the second-best class, inverted. */
    static final class OneMinusSecond implements ConfidenceMeasure {
        public String name() {
            return "one-minus-second";
        }

        public double confidence(float[] p) {
            float b1 = 0;
            float b2 = 0;
            for (float v : p) {
                if (v > b1) {
                    b2 = b1;
                    b1 = v;
                } else if (v > b2) {
                    b2 = v;
                }
            }
            return 1 - b2;
        }
    }

    static final class Module extends AbstractModule {
        @Override
        protected void configure() {
            CoreModule.confidenceMeasures(binder()).addBinding("one-minus-second").to(OneMinusSecond.class);
            CoreModule.risks(binder()).addBinding("always-zero").toInstance(zeroRisk("always-zero"));
        }
    }

    static Risk zeroRisk(String name) {
        return new Risk() {
            public String name() {
                return name;
            }

            public double lowerBound() {
                return 0;
            }

            public double upperBound() {
                return 1;
            }

            public boolean needsLabels() {
                return false;
            }

            public boolean aboutDistribution() {
                return false;
            }

            public double loss(ExitOutputs o, int i, int e) {
                return 0;
            }
        };
    }

    @AfterEach
    void reset() {
        Registry.setCurrent(null);
    }

    @Test
    void builtInsAreRegisteredInTheirDocumentedOrder() {
        Registry r = Registry.builtIn();
        assertThat(r.confidenceNames()).isEqualTo(ConfidenceMeasures.names());
        java.util.List<String> risks = new java.util.ArrayList<>(Risks.names());
        risks.addAll(org.eennrc.core.dense.DenseRisk.names());
        assertThat(r.riskNames()).isEqualTo(risks);
        assertThat(r.confidence("MaxSoftmax")).isSameAs(ConfidenceMeasures.MAX_SOFTMAX);
        assertThat(r.risk("prediction_gap")).isSameAs(Risks.PREDICTION_GAP);
        assertThat(r.controller("crc").name()).isEqualTo("crc");
    }

    @Test
    void pluginMeasureAndRiskReachTheStaticLookupsOnceCurrent() {
        assertThatThrownBy(() -> ConfidenceMeasures.byName("one-minus-second"))
                .hasMessageContaining("unknown confidence measure 'one-minus-second'").hasMessageContaining("max-softmax");
        Registry withPlugin = Registry.create(Plugins.none(), new Module());
        Registry.setCurrent(withPlugin);
        assertThat(ConfidenceMeasures.byName("one-minus-second")).isInstanceOf(OneMinusSecond.class);
        assertThat(Risks.byName("Always_Zero").name()).isEqualTo("always-zero");
        assertThat(withPlugin.confidenceNames()).startsWith("max-softmax").endsWith("one-minus-second");
        // an exit policy saved with the plug-in's measure applies through the same lookup
        ExitOutputs o = Synthetic.outputs(1, 20, 3, 4, true);
        ExitPolicy policy = Calibrator.builder().risk("always-zero").controller("crc").confidence("one-minus-second")
                .epsilon(0.1).build().fit(o);
        assertThat(policy.confidence()).isEqualTo("one-minus-second");
        assertThat(policy.apply(o).exits()).hasSize(20);
    }

    @Test
    void aKeyThatIsNotTheNameIsRefusedNamingBoth() {
        assertThatThrownBy(() -> Registry.create(Plugins.none(), new AbstractModule() {
            @Override
            protected void configure() {
                CoreModule.risks(binder()).addBinding("zero").toInstance(zeroRisk("always-zero"));
            }
        })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("risk bound as 'zero'").hasMessageContaining("name() 'always-zero'");
    }

    @Test
    void namesThatDifferOnlyInCaseAreOneName() {
        assertThatThrownBy(() -> Registry.create(Plugins.none(), new AbstractModule() {
            @Override
            protected void configure() {
                CoreModule.risks(binder()).addBinding("Prediction-Gap").toInstance(zeroRisk("Prediction-Gap"));
            }
        })).hasMessageContaining("'prediction-gap' and 'Prediction-Gap' are the same name");
    }
}
