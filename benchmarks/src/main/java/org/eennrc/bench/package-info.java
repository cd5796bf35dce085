/**
 * Not part of the library: JMH benchmarks where a time is the result ({@code CalmProtocolBench},
 * {@code LossMatrixBench}) and the end-to-end bench commands ({@code TrainBench}, {@code InferBench},
 * {@code StageShares}, {@code TransformerBench}, {@code FrontierBench}; and {@code benchmarks/side-by-side.sh} with
 * the PyTorch copy of the default ResNet under {@code benchmarks/python}, which the build and the tests do not use);
 * how to run them and the measured figures are in
 * {@code docs/benchmarks.md}.
 */
package org.eennrc.bench;
