package org.example.byon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eennrc.core.ExitResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own 3-exit network, through public API only (this package is not the library's): trained on 5,000
 * Fashion-MNIST images by the generic loop, exported, calibrated in one call, run with real early exit. And
 * docs/bring-your-own-network.md quotes the example verbatim, so the guide stays true.
 */
class BringYourOwnNetworkTest {

    @Test
    void aNetworkTheLibraryDoesNotShipGetsEverything(@TempDir Path work) {
        ThreeExitCnn.Outcome o = ThreeExitCnn.run(null, work);

        // the cost per exit is counted from the graph: conv Hout·Wout·k²·Cin·Cout, max pool 4 per output,
        // global average pool 1 per input, dense nIn·nOut
        double conv1 = 28 * 28 * 9 * 16;
        double pool1 = 14 * 14 * 16 * 4;
        double head1 = 14 * 14 * 16 + 16 * 10;
        double conv2 = 14 * 14 * 9 * 16 * 32;
        double pool2 = 7 * 7 * 32 * 4;
        double head2 = 7 * 7 * 32 + 32 * 10;
        double conv3 = 7 * 7 * 9 * 32 * 64;
        double pool3 = 4 * 4 * 64 * 4; // "same" pooling: 7 -> 4
        double head3 = 4 * 4 * 64 + 64 * 10;
        double[] cost = o.model().cumulativeCost();
        assertThat(cost).containsExactly(conv1 + pool1 + head1, conv1 + pool1 + head1 + conv2 + pool2 + head2,
                conv1 + pool1 + head1 + conv2 + pool2 + head2 + conv3 + pool3 + head3);
        assertThat(o.model().fullModelCost()).isEqualTo(conv1 + pool1 + conv2 + pool2 + conv3 + pool3 + head3);
        assertThat(o.test().flops()).containsExactly(cost);
        assertThat(o.model().uncountedLayers()).isEmpty();

        ExitResult r = o.real();
        System.out.printf(java.util.Locale.ROOT, "[byon] λ̂ = %.2f (%s), test half: exits %s, accuracy %.4f vs full %.4f, "
                        + "mean cost %.3f M vs full model %.3f M MACs, %.0f vs %.0f images/s%n", o.policy().lambda(),
                o.policy().certificate().controller(), java.util.Arrays.toString(r.exitHistogram()),
                r.accuracy(o.split().test().labels()), o.full().accuracy(o.split().test().labels()),
                r.meanCost(o.model().cumulativeCost()) / 1e6, o.model().fullModelCost() / 1e6, r.samplesPerSecond(),
                o.full().samplesPerSecond());

        // calibrated: a certified threshold that exits early
        assertThat(o.policy().certificate().feasible()).isTrue();
        assertThat(o.policy().numExits()).isEqualTo(3);
        assertThat(o.split().calibration().numSamples()).isEqualTo(5000);

        // real early exit gives exactly the simulated exit's decisions, and skips work
        ExitResult real = o.real();
        assertThat(real.exits()).containsExactly(o.simulated().exits());
        assertThat(real.predictions()).containsExactly(o.simulated().predictions());
        assertThat(real.exitHistogram()[0]).isPositive();
        assertThat(real.meanCost(cost)).isLessThan(o.model().fullModelCost());
        int[] labels = o.split().test().labels();
        assertThat(o.full().accuracy(labels)).as("full-model accuracy").isGreaterThan(0.7);
        assertThat(o.full().accuracy(labels) - real.accuracy(labels)).as("accuracy lost to early exit").isLessThan(0.1);
        assertThat(Files.isRegularFile(work.resolve("checkpoints").resolve("LAST"))).isTrue();
    }

    @Test
    void theGuideQuotesTheExampleVerbatim() throws Exception {
        String md = Files.readString(Path.of("..", "docs", "bring-your-own-network.md"));
        String source = Files.readString(Path.of("src/test/java/org/example/byon/ThreeExitCnn.java")).stripTrailing();
        assertThat(md).contains("```java\n" + source + "\n```");
    }
}
