package org.eennrc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The permutation baselines of method.md §6 on a tiny example with known exits. */
class PermutationBaselinesTest {
    // 4 samples, 3 exits costing 1, 2, 4; the real exits send the easy samples early
    private static final double[] LOSS = {
        0.5, 0.2, 0,
        0.0, 0.0, 0,
        0.9, 0.6, 0,
        0.4, 0.1, 0};
    private static final double[] COST = {1, 2, 4};
    private static final int[] SAMPLES = {0, 1, 2, 3};
    private static final int[] EXITS = {0, 0, 2, 1};

    @Test
    void realAndConstantByHand() {
        PermutationBaselines b = PermutationBaselines.of(SAMPLES, EXITS, LOSS, COST, 1);
        assertThat(b.realRisk()).isCloseTo((0.5 + 0 + 0 + 0.1) / 4, within(1e-12));
        assertThat(b.realCost()).isCloseTo((1 + 1 + 4 + 2) / 4.0, within(1e-12));
        // the exit of cost closest to 2.0 is exit 1
        assertThat(b.constantExit()).isEqualTo(1);
        assertThat(b.constantRisk()).isCloseTo((0.2 + 0 + 0.6 + 0.1) / 4, within(1e-12));
        assertThat(b.constantCost()).isEqualTo(2.0);
        // permuting keeps the exit histogram, so the cost exactly
        assertThat(b.permutedCost()).isEqualTo(b.realCost());
    }

    @Test
    void randomAndPermutedAverageToTheRankingFreeRisk() {
        // a ranking-free assignment gives exit e with probability (2, 1, 1)/4 whatever the sample:
        // expected risk 1/2 · mean loss at exit 0 (0.45) + 1/4 · at exit 1 (0.225) + 1/4 · 0 = 0.28125, cost 2
        Set<Double> permutations = new HashSet<>();
        int[][] all = {{0, 0, 1, 2}, {0, 0, 2, 1}, {0, 1, 0, 2}, {0, 1, 2, 0}, {0, 2, 0, 1}, {0, 2, 1, 0},
            {1, 0, 0, 2}, {1, 0, 2, 0}, {1, 2, 0, 0}, {2, 0, 0, 1}, {2, 0, 1, 0}, {2, 1, 0, 0}};
        for (int[] p : all) {
            double r = 0;
            for (int i = 0; i < 4; i++) r += LOSS[i * 3 + p[i]];
            permutations.add(Math.round(r / 4 * 1e9) / 1e9);
        }
        int trials = 20_000;
        double random = 0;
        double randomCost = 0;
        double permuted = 0;
        for (int s = 0; s < trials; s++) {
            PermutationBaselines b = PermutationBaselines.of(SAMPLES, EXITS, LOSS, COST, s);
            assertThat(permutations).contains(Math.round(b.permutedRisk() * 1e9) / 1e9);
            random += b.randomRisk() / trials;
            randomCost += b.randomCost() / trials;
            permuted += b.permutedRisk() / trials;
        }
        assertThat(random).isCloseTo(0.28125, within(0.004));
        assertThat(permuted).isCloseTo(0.28125, within(0.004));
        assertThat(randomCost).isCloseTo(2.0, within(0.02)); // a uniform random exit would cost 7/3
        // the real exits, ranked by the confidence, are far better at the same cost
        assertThat(PermutationBaselines.of(SAMPLES, EXITS, LOSS, COST, 0).realRisk()).isLessThan(0.2);
        // the same seed gives the same draws
        assertThat(PermutationBaselines.of(SAMPLES, EXITS, LOSS, COST, 5))
                .isEqualTo(PermutationBaselines.of(SAMPLES, EXITS, LOSS, COST, 5));
    }

    @Test
    void aSubsetOfSamplesAndBadInput() {
        PermutationBaselines b = PermutationBaselines.of(new int[] {2, 3}, new int[] {2, 1}, LOSS, COST, 0);
        assertThat(b.realRisk()).isCloseTo(0.05, within(1e-12));
        assertThat(b.realCost()).isEqualTo(3.0);
        // cost 3 is as close to exit 1 (2) as to exit 2 (4): the later exit
        assertThat(b.constantExit()).isEqualTo(2);
        assertThat(b.constantRisk()).isEqualTo(0.0);
        assertThatThrownBy(() -> PermutationBaselines.of(SAMPLES, new int[] {0, 3, 0, 0}, LOSS, COST, 0))
                .hasMessageContaining("exit 3 outside [0, 3)");
        assertThatThrownBy(() -> PermutationBaselines.of(SAMPLES, new int[] {0}, LOSS, COST, 0))
                .hasMessageContaining("1 exits for 4 samples");
        assertThatThrownBy(() -> PermutationBaselines.of(new int[] {9}, new int[] {0}, LOSS, COST, 0))
                .hasMessageContaining("sample 9 outside");
    }
}
