/**
 * Image data: Fashion-MNIST from its IDX files ({@link org.eennrc.models.data.FashionMnist}, with the clear error
 * that says how to install it when missing) and {@link org.eennrc.models.data.ImageSet}, which gives DL4J batches for
 * inference ({@code iterator}) and seeded per-epoch shuffles for training ({@code shuffled}).
 */
package org.eennrc.models.data;
