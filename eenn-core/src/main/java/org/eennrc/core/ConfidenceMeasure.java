package org.eennrc.core;

/**
 * The confidence c_l(x) in [0, 1] of one exit's predictive distribution (method.md §1). The exit rule compares it
 * with the shared threshold λ, so a measure must be comparable across exits: higher means "more sure".
 *
 * <p>Users plug in their own measure by implementing {@link #confidence(float[])} (patience-style or learned
 * confidences, say) and binding it under its {@link #name()} with {@link CoreModule#confidenceMeasures} in a plug-in
 * module, which makes the name work everywhere (CLI, configs, saved policies); the built-ins
 * ({@link ConfidenceMeasures}) also override {@link #confidences(ExitOutputs)} to use values cached by
 * {@link ExitOutputs}.
 */
public interface ConfidenceMeasure {

    /** A short stable name, used on the command line and in saved policies, e.g. {@code max-softmax}. */
    String name();

    /**
     * The confidence of one probability vector (length C, sums to 1).
     *
     * @param probs scratch array holding the vector; valid only during the call, do not keep or modify it
     * @return a value in [0, 1]
     */
    double confidence(float[] probs);

    /**
     * The confidence of every (sample, exit), row-major {@code [n * L + l]}. The default copies each vector into
     * a scratch array and calls {@link #confidence(float[])}.
     */
    default double[] confidences(ExitOutputs outputs) {
        int n = outputs.numSamples();
        int l = outputs.numExits();
        float[] scratch = new float[outputs.numClasses()];
        double[] out = new double[n * l];
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < l; e++) {
                outputs.copyProbs(i, e, scratch);
                out[i * l + e] = confidence(scratch);
            }
        }
        return out;
    }
}
