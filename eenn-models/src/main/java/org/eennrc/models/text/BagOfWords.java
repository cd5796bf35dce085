package org.eennrc.models.text;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The bag-of-words yardstick: multinomial logistic regression on the token counts of the same tokenizer (the word
 * pieces of a text, {@code [CLS]} and padding left out, truncated like the transformer's input), plain Java.
 *
 * <p>Training: mini-batch SGD on the mean cross-entropy plus (λ/2)·‖W‖² (bias not decayed), learning rate decayed
 * linearly to 0, seeded shuffles. {@link #fit} picks λ from a small grid and the epoch by validation accuracy.
 */
public final class BagOfWords {
    private final int vocab;
    private final int classes;
    private final float[] w; // [vocab][classes]
    private final float[] bias;

    private BagOfWords(int vocab, int classes) {
        this.vocab = vocab;
        this.classes = classes;
        this.w = new float[vocab * classes];
        this.bias = new float[classes];
    }

    /** Result of model selection. */
    public record Fit(BagOfWords model, double l2, int epochs, double validationAccuracy, String log) {
    }

    /** Sparse counts of one encoded text: distinct ids and their counts. */
    static int[][] counts(int[] encoded) {
        int[] ids = Arrays.stream(encoded).filter(i -> i != WordPieceTokenizer.PAD_ID && i != WordPieceTokenizer.CLS_ID)
                .sorted().toArray();
        int[] u = new int[ids.length];
        int[] c = new int[ids.length];
        int k = -1;
        for (int i = 0; i < ids.length; i++) {
            if (k >= 0 && u[k] == ids[i]) {
                c[k]++;
            } else {
                k++;
                u[k] = ids[i];
                c[k] = 1;
            }
        }
        return new int[][] {Arrays.copyOf(u, k + 1), Arrays.copyOf(c, k + 1)};
    }

    /** Grid over λ ∈ {0, 1e-5, 1e-4, 1e-3}, up to {@code maxEpochs} epochs each; best validation accuracy wins. */
    public static Fit fit(EncodedTexts train, EncodedTexts validation, int vocab, int maxEpochs, long seed) {
        StringBuilder log = new StringBuilder();
        Fit best = null;
        for (double l2 : new double[] {0, 1e-5, 1e-4, 1e-3}) {
            for (int epochs : new int[] {maxEpochs}) {
                BagOfWords m = new BagOfWords(vocab, train.numClasses());
                double[] perEpoch = m.train(train, validation, l2, epochs, 0.5, 32, seed);
                int bestE = 0;
                for (int e = 1; e < perEpoch.length; e++) {
                    if (perEpoch[e] > perEpoch[bestE]) {
                        bestE = e;
                    }
                }
                log.append(String.format(Locale.ROOT, "l2=%g val acc per epoch %s%n", l2,
                        Arrays.toString(Arrays.stream(perEpoch).map(a -> Math.round(a * 1e4) / 1e4).toArray())));
                if (best == null || perEpoch[bestE] > best.validationAccuracy()) {
                    // retrain to the best epoch count so the returned model is the selected one
                    BagOfWords sel = new BagOfWords(vocab, train.numClasses());
                    sel.train(train, null, l2, bestE + 1, 0.5, 32, seed, epochs);
                    best = new Fit(sel, l2, bestE + 1, perEpoch[bestE], "");
                }
            }
        }
        return new Fit(best.model(), best.l2(), best.epochs(), best.validationAccuracy(), log.toString());
    }

    double[] train(EncodedTexts data, EncodedTexts validation, double l2, int epochs, double lr0, int batch, long seed) {
        return train(data, validation, l2, epochs, lr0, batch, seed, epochs);
    }

    /** SGD for {@code epochs} epochs of a schedule planned for {@code scheduleEpochs}; validation accuracy per epoch. */
    double[] train(EncodedTexts data, EncodedTexts validation, double l2, int epochs, double lr0, int batch, long seed,
                   int scheduleEpochs) {
        int n = data.size();
        int[][][] x = new int[n][][];
        for (int i = 0; i < n; i++) {
            x[i] = counts(data.ids()[i]);
        }
        double[] acc = new double[epochs];
        long totalSteps = (long) scheduleEpochs * ((n + batch - 1) / batch);
        long step = 0;
        float[] gw = new float[w.length];
        float[] gb = new float[classes];
        boolean[] touched = new boolean[vocab];
        int[] touchedList = new int[vocab];
        double[] p = new double[classes];
        for (int e = 0; e < epochs; e++) {
            int[] order = org.eennrc.models.train.Permutation.of(n, new Random(seed * 7919 + e));
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                double lr = lr0 * (1.0 - (double) step / totalSteps);
                step++;
                int nt = 0;
                Arrays.fill(gb, 0f);
                for (int j = from; j < to; j++) {
                    int[][] xi = x[order[j]];
                    probs(xi, p);
                    int y = data.labels()[order[j]];
                    p[y] -= 1;
                    for (int c = 0; c < classes; c++) {
                        gb[c] += (float) p[c];
                    }
                    for (int k = 0; k < xi[0].length; k++) {
                        int v = xi[0][k];
                        if (!touched[v]) {
                            touched[v] = true;
                            touchedList[nt++] = v;
                        }
                        for (int c = 0; c < classes; c++) {
                            gw[v * classes + c] += (float) (p[c] * xi[1][k]);
                        }
                    }
                }
                float scale = (float) (lr / (to - from));
                if (l2 > 0) {
                    float decay = (float) (1 - lr * l2);
                    for (int i = 0; i < w.length; i++) {
                        w[i] *= decay;
                    }
                }
                for (int t = 0; t < nt; t++) {
                    int v = touchedList[t];
                    for (int c = 0; c < classes; c++) {
                        w[v * classes + c] -= scale * gw[v * classes + c];
                        gw[v * classes + c] = 0f;
                    }
                    touched[v] = false;
                }
                for (int c = 0; c < classes; c++) {
                    bias[c] -= scale * gb[c];
                }
            }
            acc[e] = validation == null ? Double.NaN : accuracy(validation);
        }
        return acc;
    }

    private void probs(int[][] xi, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            double s = bias[c];
            for (int k = 0; k < xi[0].length; k++) {
                s += w[xi[0][k] * classes + c] * xi[1][k];
            }
            p[c] = s;
            max = Math.max(max, s);
        }
        double z = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = Math.exp(p[c] - max);
            z += p[c];
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= z;
        }
    }

    public int predict(int[] encoded) {
        double[] p = new double[classes];
        probs(counts(encoded), p);
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    public double accuracy(EncodedTexts data) {
        int ok = 0;
        for (int i = 0; i < data.size(); i++) {
            if (predict(data.ids()[i]) == data.labels()[i]) {
                ok++;
            }
        }
        return ok / (double) Math.max(1, data.size());
    }
}
