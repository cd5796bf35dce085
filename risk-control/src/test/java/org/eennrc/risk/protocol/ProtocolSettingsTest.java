package org.eennrc.risk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProtocolSettingsTest {
    @Test
    void parsesGridsAndLists() {
        assertThat(ProtocolSettings.parseGrid("0.01:0.05:0.01")).containsExactly(0.01, 0.02, 0.03, 0.04, 0.05);
        assertThat(ProtocolSettings.parseGrid("0.1, 0.2")).containsExactly(0.1, 0.2);
    }

    @Test
    void aGridOfAstronomicallyManyValuesIsAnErrorNotANegativeArraySize() {
        assertThatThrownBy(() -> ProtocolSettings.parseGrid("0.01:0.19:1e-300"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 10000");
        assertThatThrownBy(() -> ProtocolSettings.parseGrid("0.01:0.19:1e-9"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.01:0.19:1e-9").hasMessageContaining("values; at most 10000");
    }

    @Test
    void aNonNumberIsNamed() {
        assertThatThrownBy(() -> ProtocolSettings.parseGrid("0.01:abc:0.01"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("'abc' in '0.01:abc:0.01' is not a number");
        assertThatThrownBy(() -> ProtocolSettings.parseGrid("0.1,,0.2")).hasMessageContaining("'' in");
        assertThatThrownBy(() -> ProtocolSettings.parseGrid("0.1:NaN:0.1")).hasMessageContaining("'NaN'");
    }
}
