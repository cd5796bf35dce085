package org.eennrc.models.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitOutputsNpz;
import org.eennrc.core.ExitPolicy;
import org.eennrc.core.ExitResult;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.models.train.TrainConfig;

/**
 * Entry points with plain Java signatures for the WordNet-supersense transformer (the CLI wires
 * {@code eenn train --model transformer}, {@code eenn export}, {@code eenn infer} to these).
 *
 * <ul>
 *   <li>{@link #prepare}: load and clean the glosses, split them, train (or reuse) the tokenizer, encode.</li>
 *   <li>{@link #train}: the above, then train the multi-exit transformer with checkpoints and resume.</li>
 *   <li>{@link #export}: every exit of a trained model on a split, as the interchange {@code .npz}.</li>
 *   <li>{@link #infer}: real early exit with an {@link ExitPolicy} on a split.</li>
 *   <li>{@link #baseline}: the bag-of-words logistic regression on the same split.</li>
 * </ul>
 */
public final class TextPipeline {
    /** Default tokenizer vocabulary (specials + alphabet + merges). */
    public static final int DEFAULT_VOCAB = TransformerConfig.DEFAULT_VOCAB;

    private TextPipeline() {
    }

    /** The encoded splits and the tokenizer they were encoded with. */
    public record Data(WordPieceTokenizer tokenizer, EncodedTexts train, EncodedTexts validation, EncodedTexts test,
                       double tokenizerSeconds) {
        public EncodedTexts split(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "train" -> train;
                case "validation", "val" -> validation;
                case "test" -> test;
                default -> throw new IllegalArgumentException("unknown split '" + name + "' (train, validation, test)");
            };
        }
    }

    /**
     * Loads {@code dataDir/data.noun} (null: /usr/share/wordnet), splits with {@code splitSeed}, and encodes with
     * {@code tokenizer}, or with a tokenizer of {@code vocabSize} entries and length {@code maxLength} learned from
     * the training split when {@code tokenizer} is null.
     */
    public static Data prepare(Path dataDir, WordPieceTokenizer tokenizer, int vocabSize, int maxLength, long splitSeed) {
        WordNetGlosses.Splits s = WordNetGlosses.loadSplits(dataDir, splitSeed);
        long t0 = System.nanoTime();
        WordPieceTokenizer tok = tokenizer != null ? tokenizer
                : WordPieceTokenizer.train(WordNetGlosses.texts(s.train()), vocabSize, maxLength, 2);
        double secs = (System.nanoTime() - t0) / 1e9;
        int c = WordNetGlosses.NUM_CLASSES;
        return new Data(tok, EncodedTexts.encode(tok, s.train(), c), EncodedTexts.encode(tok, s.validation(), c),
                EncodedTexts.encode(tok, s.test(), c), secs);
    }

    /**
     * Trains a model. With {@code resume}, the tokenizer saved in {@code outDir/vocab.txt} is reused and training
     * continues from {@code outDir/checkpoints/LAST}.
     *
     * @param model its {@code vocabSize} is the requested tokenizer size; {@code maxLength} the sequence length
     * @param listener null prints progress to stdout
     */
    public static TextTrainer.Result train(Path dataDir, Path outDir, TransformerConfig model, TrainConfig cfg,
                                           boolean resume, TrainingListener listener) {
        Dl4jRuntime.init();
        Path vocab = outDir.resolve(TextTrainer.VOCAB_FILE);
        WordPieceTokenizer tok = resume && Files.isRegularFile(vocab) ? WordPieceTokenizer.load(vocab) : null;
        Data d = prepare(dataDir, tok, model.vocabSize(), model.maxLength(), WordNetGlosses.DEFAULT_SPLIT_SEED);
        TransformerConfig m = model.withVocabSize(d.tokenizer().vocabSize());
        return TextTrainer.train(m, cfg, d.tokenizer(), d.train(), d.validation(), outDir, resume, listener);
    }

    /**
     * Runs every exit of the model in {@code modelDir} on a split and writes the compressed npz, with the SHA-256 of
     * {@code model.sd} as {@code model_sha256}.
     */
    public static ExitOutputs export(Path modelDir, Path dataDir, String split, Path outNpz, int batchSize) {
        TextTrainer.Trained t = TextTrainer.load(modelDir);
        String modelSha256 = org.eennrc.models.Exporter.modelSha256(modelDir);
        Data d = prepare(dataDir, requireTokenizer(t, modelDir), 0, 0, WordNetGlosses.DEFAULT_SPLIT_SEED);
        ExitOutputs o = t.earlyExitModel().outputs(d.split(split).iterator(batchSize)).withModelSha256(modelSha256);
        org.eennrc.models.Exporter.write(o, outNpz);
        return o;
    }

    /** Real early exit with a policy's threshold and confidence measure on a split. */
    public static ExitResult infer(Path modelDir, Path dataDir, String split, ExitPolicy policy, int batchSize) {
        TextTrainer.Trained t = TextTrainer.load(modelDir);
        if (policy.numExits() != t.config().numExits()) {
            throw new IllegalArgumentException("policy is for " + policy.numExits() + " exits, the model has "
                    + t.config().numExits());
        }
        Data d = prepare(dataDir, requireTokenizer(t, modelDir), 0, 0, WordNetGlosses.DEFAULT_SPLIT_SEED);
        return t.earlyExitModel().predictor().predict(d.split(split).iterator(batchSize), policy);
    }

    /** The bag-of-words baseline trained on the training split; returns the fit (validation-selected). */
    public static BagOfWords.Fit baseline(Data d, int maxEpochs, long seed) {
        return BagOfWords.fit(d.train(), d.validation(), d.tokenizer().vocabSize(), maxEpochs, seed);
    }

    static WordPieceTokenizer requireTokenizer(TextTrainer.Trained t, Path modelDir) {
        if (t.tokenizer() == null) {
            throw new IllegalStateException("no " + TextTrainer.VOCAB_FILE + " in " + modelDir);
        }
        return t.tokenizer();
    }

    /** Fraction of texts whose pieces (with [CLS]) exceed the maximum length, i.e. are truncated. */
    public static double truncatedFraction(WordPieceTokenizer tok, List<String> texts) {
        long n = texts.stream().filter(s -> tok.fullLength(s) > tok.maxLength()).count();
        return n / (double) Math.max(1, texts.size());
    }
}
