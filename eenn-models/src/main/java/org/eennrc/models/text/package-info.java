/**
 * The WordNet-supersense transformer: glosses ({@link org.eennrc.models.text.WordNetGlosses}), a WordPiece tokenizer,
 * the SameDiff multi-exit encoder ({@link org.eennrc.models.text.TextTransformer}, an early-exit model of one
 * {@link org.eennrc.models.SameDiffStage} per block), its training recipe
 * ({@link org.eennrc.models.text.TextTrainer}, on the shared loop), plain-Java entry points
 * ({@link org.eennrc.models.text.TextPipeline}) and a bag-of-words baseline.
 */
package org.eennrc.models.text;
