package org.eennrc.experiments;

import java.nio.file.Path;

/** Lets tests of other packages write the synthetic outputs of {@link ReproduceEndToEndTest}. */
public final class ReproduceEndToEndTestAccess {
    private ReproduceEndToEndTestAccess() {}

    public static void writeSyntheticOutputs(Path file, int n, long seed) throws Exception {
        ReproduceEndToEndTest.writeSyntheticOutputs(file, n, seed);
    }
}
