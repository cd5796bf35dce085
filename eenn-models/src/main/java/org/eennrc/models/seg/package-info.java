/**
 * A multi-exit semantic-segmentation network (DL4J) for Fashion-MNIST scenes (docs/models.md, "Multi-exit
 * segmentation network"): {@link org.eennrc.models.seg.MultiExitSegNetConfig} describes it,
 * {@link org.eennrc.models.seg.MultiExitSegNet} builds the graph (per-pixel softmax exits at the input resolution),
 * and {@link org.eennrc.models.seg.SegTrainer} trains it on {@link org.eennrc.models.data.FashionScenes} with the
 * ignore label masked out, saves and loads it. As an {@link org.eennrc.models.ComputationGraphModel} it has costs
 * counted from the graph, per-batch outputs of every exit ({@code exitOutputs}) and real early exit per image
 * ({@link org.eennrc.models.EarlyExitPredictor#predict(org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator,
 * double, org.eennrc.models.EarlyExitPredictor.ExampleConfidence, org.eennrc.models.EarlyExitPredictor.AnswerSink)}).
 */
package org.eennrc.models.seg;
