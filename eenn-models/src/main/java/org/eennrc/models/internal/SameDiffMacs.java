package org.eennrc.models.internal;

import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Internal: multiply-adds per sample of a SameDiff graph, counted by running it once on one sample and summing the
 * matrix products it executes. A product C = A·B with A of any rank costs {@code |A| · N} multiply-adds, N the last
 * dimension of C (each element of A meets one row of B): dense layers, attention scores and weighted values, pooling
 * products. Element-wise ops, reductions, softmax and layer norm are not counted (as for DL4J layers, method.md §5).
 */
public final class SameDiffMacs {
    private SameDiffMacs() {
    }

    /** Multiply-adds to compute {@code output} from the placeholders of {@code example} (batch of one). */
    public static double count(SameDiff sd, Map<String, INDArray> example, String output) {
        Counter c = new Counter();
        sd.output(example, List.of(c), output);
        return c.macs;
    }

    private static final class Counter extends BaseListener {
        double macs;

        @Override
        public boolean isActive(Operation operation) {
            return true;
        }

        @Override
        public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
                                INDArray[] outputs) {
            if (!(op.getOp() instanceof Mmul)) {
                return;
            }
            INDArray a = opContext != null && opContext.getInputArrays() != null && !opContext.getInputArrays().isEmpty()
                    ? opContext.getInputArrays().get(0) : sd.getArrForVarName(op.getInputsToOp().get(0));
            INDArray out = outputs[0];
            macs += (double) a.length() * out.size(out.rank() - 1);
        }
    }
}
