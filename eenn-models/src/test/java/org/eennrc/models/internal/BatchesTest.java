package org.eennrc.models.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.eennrc.models.Dl4jRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The compaction of real early exit: rows of a batch-first array, leaving the source array intact. */
class BatchesTest {
    @BeforeAll
    static void init() {
        Dl4jRuntime.init();
    }

    @Test
    void rowsCopiesTheKeptRowsAndLeavesTheSourceUnchanged() {
        INDArray a = Nd4j.arange(0, 4 * 2 * 3).castTo(DataType.FLOAT).reshape('c', 4, 2, 3);
        INDArray before = a.dup();
        int[] keep = {3, 1};
        INDArray r = Batches.rows(a, keep);
        assertThat(r.shape()).containsExactly(2, 2, 3);
        assertThat(r.getFloat(0, 0, 0)).isEqualTo(18f); // row 3 starts at 3 * 6
        assertThat(r.getFloat(1, 1, 2)).isEqualTo(11f); // row 1 ends at 6 + 5
        // the source keeps its shape and values: a second compaction of the same array works
        assertThat(a.shape()).containsExactly(4, 2, 3);
        assertThat(a).isEqualTo(before);
        assertThat(Batches.rows(a, new int[] {0, 2, 3}).shape()).containsExactly(3, 2, 3);
        // rank 2: no reshape
        INDArray m = Nd4j.arange(0, 8).castTo(DataType.FLOAT).reshape('c', 4, 2);
        assertThat(Batches.rows(m, new int[] {2}).toFloatVector()).containsExactly(4f, 5f);
        assertThat(m.shape()).containsExactly(4, 2);
    }
}
