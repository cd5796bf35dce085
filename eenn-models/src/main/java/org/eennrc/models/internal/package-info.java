/**
 * Not API: helpers of eenn-models (graph splitting and multiply-add counting, batch plumbing). They may change
 * without notice; use the types of {@code org.eennrc.models} instead.
 */
package org.eennrc.models.internal;
