package org.eennrc.models.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The protobuf reader on a ModelProto written by hand here, and on broken input. */
class OnnxGraphTest {
    /** A graph with one initialiser W (2x3 raw floats), one Constant c = 1e-12 (float_data) and MatMul/Add nodes. */
    static byte[] model() {
        byte[] w = tensor("W", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}, true);
        byte[] c = tensor("", new long[] {}, new float[] {1e-12f}, false);
        byte[] attr = concat(field(1, "value".getBytes(StandardCharsets.UTF_8)), field(5, c));
        byte[] constant = concat(field(2, str("c")), field(4, str("Constant")), field(5, attr));
        byte[] matmul = concat(field(1, str("x")), field(1, str("W")), field(2, str("p")), field(4, str("MatMul")));
        byte[] add = concat(field(1, str("b.bias")), field(1, str("p")), field(2, str("y")), field(4, str("Add")));
        byte[] graph = concat(field(1, constant), field(1, matmul), field(1, add), field(2, str("g")), field(5, w));
        return concat(new byte[] {0x08, 0x07}, field(7, graph)); // ir_version = 7 (a varint field), then the graph
    }

    @Test
    void readsNodesInitialisersAndConstants() {
        OnnxGraph g = OnnxGraph.parse(model());
        assertThat(g.nodes()).extracting(OnnxGraph.Node::opType).containsExactly("Constant", "MatMul", "Add");
        OnnxGraph.Tensor w = g.initializers().get("W");
        assertThat(w.dims()).containsExactly(2, 3);
        assertThat(w.floats()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(g.constant("c").scalar()).isEqualTo(1e-12f);
        assertThat(g.consumers("p")).extracting(OnnxGraph.Node::opType).containsExactly("Add");
        assertThatThrownBy(() -> g.constant("nope")).hasMessageContaining("no constant or initialiser 'nope'");
    }

    @Test
    void brokenInputFailsWithAClearMessage() {
        byte[] m = model();
        assertThatThrownBy(() -> OnnxGraph.parse(Arrays.copyOf(m, m.length - 5)))
                .hasMessageContaining("truncated ONNX file");
        assertThatThrownBy(() -> OnnxGraph.parse(new byte[] {0x08, 0x07}))
                .hasMessageContaining("not an ONNX model: no graph");
    }

    static byte[] tensor(String name, long[] dims, float[] values, boolean raw) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (long d : dims) {
            o.writeBytes(concat(varint(1 << 3), varint(d)));
        }
        o.writeBytes(concat(varint(2 << 3), varint(1)));
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        o.writeBytes(raw ? field(9, b.array()) : field(4, b.array()));
        o.writeBytes(field(8, str(name)));
        return o.toByteArray();
    }

    static byte[] str(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] field(int number, byte[] payload) {
        return concat(varint(number << 3 | 2), varint(payload.length), payload);
    }

    static byte[] varint(long v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            o.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        o.write((int) v);
        return o.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
