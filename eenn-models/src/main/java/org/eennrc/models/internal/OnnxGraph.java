package org.eennrc.models.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few fields of an ONNX {@code ModelProto} that loading pretrained weights needs, read straight from the protobuf
 * wire format (ONNX files are protobuf messages; a hand-written reader of ~150 lines avoids a protobuf dependency and
 * generated classes for a read-only use): the graph's nodes (op type, inputs, outputs, and the tensor of a
 * {@code Constant} node) and its initialisers (name, dims, float or int64 data, raw or typed).
 *
 * <p>Field numbers (onnx.proto): ModelProto.graph = 7; GraphProto.node = 1, initializer = 5; NodeProto.input = 1,
 * output = 2, name = 3, op_type = 4, attribute = 5; AttributeProto.name = 1, t = 5; TensorProto.dims = 1,
 * data_type = 2, float_data = 4, int64_data = 7, name = 8, raw_data = 9. Anything else is skipped. A truncated or
 * malformed file fails with a message naming the offset.
 */
public final class OnnxGraph {
    /** ONNX TensorProto data types used here. */
    public static final int FLOAT = 1;
    public static final int INT64 = 7;

    /** A tensor: float data (FLOAT) or long data (INT64), row-major with {@code dims}. */
    public record Tensor(String name, long[] dims, int dataType, float[] floats, long[] longs) {
        public long size() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** The single value of a scalar (or one-element) tensor, as a double. */
        public double scalar() {
            if (size() != 1) {
                throw new IllegalStateException("tensor " + name + " of shape " + Arrays.toString(dims) + " is not a scalar");
            }
            return floats != null ? floats[0] : longs[0];
        }
    }

    /** A node: op type, input and output names, and for {@code Constant} nodes their value. */
    public record Node(String opType, List<String> inputs, List<String> outputs, Tensor value) {
    }

    private final List<Node> nodes;
    private final Map<String, Tensor> initializers;

    private OnnxGraph(List<Node> nodes, Map<String, Tensor> initializers) {
        this.nodes = nodes;
        this.initializers = initializers;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** Initialisers by name, in file order. */
    public Map<String, Tensor> initializers() {
        return initializers;
    }

    /** The value of the tensor named {@code name}: an initialiser or the output of a {@code Constant} node. */
    public Tensor constant(String name) {
        Tensor t = initializers.get(name);
        if (t != null) {
            return t;
        }
        for (Node n : nodes) {
            if (n.value() != null && n.outputs().contains(name)) {
                return n.value();
            }
        }
        throw new IllegalArgumentException("the ONNX graph has no constant or initialiser '" + name + "'");
    }

    /** The nodes that read {@code name}. */
    public List<Node> consumers(String name) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.inputs().contains(name)) {
                out.add(n);
            }
        }
        return out;
    }

    /** Parses a serialised {@code ModelProto}. */
    public static OnnxGraph parse(byte[] model) {
        Reader r = new Reader(model, 0, model.length);
        Reader graph = null;
        while (r.more()) {
            int key = r.varint32();
            if (key >>> 3 == 7 && (key & 7) == 2) {
                graph = r.sub();
            } else {
                r.skip(key);
            }
        }
        if (graph == null) {
            throw new IllegalArgumentException("not an ONNX model: no graph (field 7) in " + model.length + " bytes");
        }
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> inits = new LinkedHashMap<>();
        while (graph.more()) {
            int key = graph.varint32();
            int field = key >>> 3;
            if (field == 1 && (key & 7) == 2) {
                nodes.add(node(graph.sub()));
            } else if (field == 5 && (key & 7) == 2) {
                Tensor t = tensor(graph.sub());
                inits.put(t.name(), t);
            } else {
                graph.skip(key);
            }
        }
        return new OnnxGraph(List.copyOf(nodes), inits);
    }

    private static Node node(Reader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String op = null;
        Tensor value = null;
        while (r.more()) {
            int key = r.varint32();
            switch (key >>> 3) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 4 -> op = r.string();
                case 5 -> {
                    Reader a = r.sub();
                    String name = null;
                    Tensor t = null;
                    while (a.more()) {
                        int k = a.varint32();
                        if (k >>> 3 == 1 && (k & 7) == 2) {
                            name = a.string();
                        } else if (k >>> 3 == 5 && (k & 7) == 2) {
                            t = tensor(a.sub());
                        } else {
                            a.skip(k);
                        }
                    }
                    if ("value".equals(name)) {
                        value = t;
                    }
                }
                default -> r.skip(key);
            }
        }
        return new Node(op, List.copyOf(in), List.copyOf(out), value);
    }

    private static Tensor tensor(Reader r) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        byte[] raw = null;
        List<Float> floats = new ArrayList<>();
        List<Long> longs = new ArrayList<>();
        while (r.more()) {
            int key = r.varint32();
            int wire = key & 7;
            switch (key >>> 3) {
                case 1 -> repeated(r, wire, x -> dims.add(x.varint64()));
                case 2 -> type = r.varint32();
                case 4 -> repeated(r, wire, x -> floats.add(Float.intBitsToFloat(x.fixed32())));
                case 7 -> repeated(r, wire, x -> longs.add(x.varint64()));
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                default -> r.skip(key);
            }
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long x : d) {
            n *= x;
        }
        if (type == FLOAT) {
            float[] f;
            if (raw != null) {
                if (raw.length != n * 4) {
                    throw new IllegalArgumentException("tensor " + name + ": " + raw.length + " raw bytes for "
                            + n + " floats");
                }
                f = new float[(int) n];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            } else {
                f = new float[floats.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = floats.get(i);
                }
            }
            return new Tensor(name, d, type, f, null);
        }
        if (type == INT64) {
            long[] l;
            if (raw != null) {
                l = new long[raw.length / 8];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(l);
            } else {
                l = longs.stream().mapToLong(Long::longValue).toArray();
            }
            return new Tensor(name, d, type, null, l);
        }
        // other types (not needed by the loader) keep their shape only
        return new Tensor(name, d, type, null, null);
    }

    /** A bounded view of the protobuf bytes. */
    /** Reads a repeated field: packed (wire type 2, a length-delimited run of values) or one value. */
    private static void repeated(Reader r, int wire, java.util.function.Consumer<Reader> one) {
        if (wire == 2) {
            Reader p = r.sub();
            while (p.more()) {
                one.accept(p);
            }
        } else {
            one.accept(r);
        }
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint64() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("truncated ONNX file: varint runs past offset " + end);
                }
                byte x = b[pos++];
                result |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("malformed varint at offset " + pos);
        }

        int varint32() {
            return (int) varint64();
        }

        int fixed32() {
            need(4);
            int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
            pos += 4;
            return v;
        }

        Reader sub() {
            int len = varint32();
            need(len);
            Reader r = new Reader(b, pos, pos + len);
            pos += len;
            return r;
        }

        byte[] bytes() {
            int len = varint32();
            need(len);
            byte[] out = Arrays.copyOfRange(b, pos, pos + len);
            pos += len;
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        void skip(int key) {
            switch (key & 7) {
                case 0 -> varint64();
                case 1 -> {
                    need(8);
                    pos += 8;
                }
                case 2 -> {
                    int len = varint32();
                    need(len);
                    pos += len;
                }
                case 5 -> {
                    need(4);
                    pos += 4;
                }
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + (key & 7)
                        + " at offset " + pos);
            }
        }

        private void need(int n) {
            if (n < 0 || pos + n > end) {
                throw new IllegalArgumentException("truncated ONNX file: " + n + " bytes needed at offset " + pos
                        + ", message ends at " + end);
            }
        }
    }
}
