package org.eennrc.risk.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array as stored in a NumPy {@code .npy} file: a dtype, a C-order shape and the flat data.
 *
 * <p>Why a value of its own: the per-exit outputs of a model (issue 3) and cached loss matrices are exchanged
 * with Python as {@code .npy}/{@code .npz}, and risk-control must read them without any native library. The
 * element type is kept as read (one primitive array of the matching Java type) so that a 1 GB float32 array is
 * not widened to 2 GB of doubles; converting accessors ({@link #toDoubleArray()}, ...) copy.
 *
 * <p>Supported dtypes (the {@link #dtype()} string is normalised to little endian, e.g. {@code <f8};
 * single-byte types use {@code |}): {@code f4 f8 i1 u1 i2 u2 i4 u4 i8 u8 b1}. Storage: f4 → {@code float[]},
 * f8 → {@code double[]}, i2/u2 → {@code short[]}, i4/u4 → {@code int[]}, i8/u8 → {@code long[]},
 * i1/u1/b1 → {@code byte[]}. Unsigned types keep their bits and are read back as unsigned values, so labels
 * saved as {@code uint16} or {@code uint32} work like any other integers; a {@code uint64} value above
 * {@code Long.MAX_VALUE} cannot be represented and {@link #getLong} refuses it.
 *
 * <p>Immutable: factories copy their input; accessors copy, except the documented {@code shared*} views.
 */
public final class NpyArray {

    /** Element types understood by the reader and the writer. */
    public enum DType {
        FLOAT32("<f4", 4), FLOAT64("<f8", 8), INT8("|i1", 1), UINT8("|u1", 1), INT16("<i2", 2), UINT16("<u2", 2),
        INT32("<i4", 4), UINT32("<u4", 4), INT64("<i8", 8), UINT64("<u8", 8), BOOL("|b1", 1);

        private final String descr;
        private final int itemSize;

        DType(String descr, int itemSize) {
            this.descr = descr;
            this.itemSize = itemSize;
        }

        /** NumPy descr written by {@link Npy#write} (little endian). */
        public String descr() {
            return descr;
        }

        public int itemSize() {
            return itemSize;
        }

        public boolean isInteger() {
            return this != FLOAT32 && this != FLOAT64;
        }

        /** Parses a NumPy descr such as {@code <f8}, {@code >i4}, {@code |b1}, {@code <u1}; null if unsupported. */
        static DType parse(String descr) {
            if (descr.length() < 2) return null;
            String t = descr.substring(1);
            switch (t) {
                case "f4": return FLOAT32;
                case "f8": return FLOAT64;
                case "i1": return INT8;
                case "u1": return UINT8;
                case "i2": return INT16;
                case "u2": return UINT16;
                case "i4": return INT32;
                case "u4": return UINT32;
                case "i8": return INT64;
                case "u8": return UINT64;
                case "b1": return BOOL;
                default: return null;
            }
        }
    }

    private final DType dtype;
    private final int[] shape;
    private final int size;
    /** One of float[], double[], byte[], short[], int[], long[]. */
    private final Object data;

    private NpyArray(DType dtype, int[] shape, Object data) {
        this.dtype = dtype;
        this.shape = shape;
        this.size = checkedSize(shape);
        this.data = data;
        if (java.lang.reflect.Array.getLength(data) != size) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size
                    + " elements but the data has " + java.lang.reflect.Array.getLength(data));
        }
    }

    static int checkedSize(int[] shape) {
        long s = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            s *= d;
            if (s > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("array of shape " + Arrays.toString(shape)
                        + " has more than 2^31 elements; not supported");
            }
        }
        return (int) s;
    }

    /** Trusted constructor for the reader: takes ownership of {@code data}. */
    static NpyArray wrap(DType dtype, int[] shape, Object data) {
        return new NpyArray(dtype, shape.clone(), data);
    }

    public static NpyArray ofDoubles(double[] data, int... shape) {
        return new NpyArray(DType.FLOAT64, shape.clone(), data.clone());
    }

    public static NpyArray ofFloats(float[] data, int... shape) {
        return new NpyArray(DType.FLOAT32, shape.clone(), data.clone());
    }

    public static NpyArray ofLongs(long[] data, int... shape) {
        return new NpyArray(DType.INT64, shape.clone(), data.clone());
    }

    public static NpyArray ofInts(int[] data, int... shape) {
        return new NpyArray(DType.INT32, shape.clone(), data.clone());
    }

    /** int8 ({@code |i1}). */
    public static NpyArray ofBytes(byte[] data, int... shape) {
        return new NpyArray(DType.INT8, shape.clone(), data.clone());
    }

    /** uint8 ({@code |u1}): values are the unsigned bytes 0..255. */
    public static NpyArray ofUnsignedBytes(byte[] data, int... shape) {
        return new NpyArray(DType.UINT8, shape.clone(), data.clone());
    }

    public static NpyArray ofBooleans(boolean[] data, int... shape) {
        byte[] b = new byte[data.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (data[i] ? 1 : 0);
        return new NpyArray(DType.BOOL, shape.clone(), b);
    }

    /** A 2-D float64 array from rows (all rows the same length). */
    public static NpyArray ofMatrix(double[][] rows) {
        int r = rows.length;
        int c = r == 0 ? 0 : rows[0].length;
        double[] flat = new double[r * c];
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) {
                throw new IllegalArgumentException("ragged matrix: row 0 has " + c + " columns, row " + i + " has "
                        + rows[i].length);
            }
            System.arraycopy(rows[i], 0, flat, i * c, c);
        }
        return new NpyArray(DType.FLOAT64, new int[] {r, c}, flat);
    }

    public DType dtypeEnum() {
        return dtype;
    }

    /** NumPy descr in little-endian form, e.g. {@code <f8}, {@code |b1}. */
    public String dtype() {
        return dtype.descr();
    }

    public int[] shape() {
        return shape.clone();
    }

    public int ndim() {
        return shape.length;
    }

    /** Length of dimension {@code axis}. */
    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of elements (product of the shape; 1 for a 0-d array). */
    public int size() {
        return size;
    }

    public boolean isFloating() {
        return dtype == DType.FLOAT32 || dtype == DType.FLOAT64;
    }

    public boolean isInteger() {
        return dtype.isInteger();
    }

    /** Element {@code i} of the flat (C-order) data as a double. */
    public double getDouble(int i) {
        switch (dtype) {
            case FLOAT32: return ((float[]) data)[i];
            case FLOAT64: return ((double[]) data)[i];
            case UINT64: {
                long v = ((long[]) data)[i];
                return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1); // unsigned
            }
            default: return getLong(i);
        }
    }

    /**
     * Element {@code i} of an integer or bool array as a long (unsigned types as their unsigned value).
     *
     * @throws ArithmeticException for a uint64 value above {@code Long.MAX_VALUE}
     */
    public long getLong(int i) {
        switch (dtype) {
            case INT16: return ((short[]) data)[i];
            case UINT16: return ((short[]) data)[i] & 0xFFFF;
            case INT32: return ((int[]) data)[i];
            case UINT32: return ((int[]) data)[i] & 0xFFFFFFFFL;
            case INT64: return ((long[]) data)[i];
            case UINT64: {
                long v = ((long[]) data)[i];
                if (v < 0) {
                    throw new ArithmeticException("uint64 value " + Long.toUnsignedString(v) + " at element " + i
                            + " does not fit in a signed 64-bit integer");
                }
                return v;
            }
            case UINT8: return ((byte[]) data)[i] & 0xFF;
            case INT8: case BOOL: return ((byte[]) data)[i];
            default: throw new IllegalStateException("array of dtype " + dtype() + " is not an integer array");
        }
    }

    /** The data converted to doubles (a new array). */
    public double[] toDoubleArray() {
        if (dtype == DType.FLOAT64) return ((double[]) data).clone();
        double[] out = new double[size];
        for (int i = 0; i < size; i++) out[i] = getDouble(i);
        return out;
    }

    /** The data converted to floats (a new array; float64 values are rounded). */
    public float[] toFloatArray() {
        if (dtype == DType.FLOAT32) return ((float[]) data).clone();
        float[] out = new float[size];
        for (int i = 0; i < size; i++) out[i] = (float) getDouble(i);
        return out;
    }

    /**
     * The backing {@code float[]} of a float32 array, without copying, so that a large array (e.g. 250 M
     * probabilities) is not held twice. The caller must not modify it.
     *
     * @throws IllegalStateException if the dtype is not float32
     */
    public float[] sharedFloats() {
        if (dtype != DType.FLOAT32) throw new IllegalStateException("array has dtype " + dtype() + ", not <f4");
        return (float[]) data;
    }

    /** The backing {@code double[]} of a float64 array, without copying. The caller must not modify it. */
    public double[] sharedDoubles() {
        if (dtype != DType.FLOAT64) throw new IllegalStateException("array has dtype " + dtype() + ", not <f8");
        return (double[]) data;
    }

    /** Integer data as longs (a new array). */
    public long[] toLongArray() {
        requireInteger();
        long[] out = new long[size];
        for (int i = 0; i < size; i++) out[i] = getLong(i);
        return out;
    }

    /**
     * Integer data as ints (a new array).
     *
     * @throws IllegalStateException for a float array
     * @throws ArithmeticException if a value does not fit in an int
     */
    public int[] toIntArray() {
        requireInteger();
        int[] out = new int[size];
        for (int i = 0; i < size; i++) out[i] = Math.toIntExact(getLong(i));
        return out;
    }

    private void requireInteger() {
        if (!dtype.isInteger()) {
            throw new IllegalStateException("array has dtype " + dtype() + ", not an integer dtype");
        }
    }

    /** A 2-D array as rows of doubles. */
    public double[][] toDoubleMatrix() {
        if (shape.length != 2) {
            throw new IllegalStateException("expected a 2-D array, got shape " + Arrays.toString(shape));
        }
        int r = shape[0];
        int c = shape[1];
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) out[i][j] = getDouble(i * c + j);
        return out;
    }

    /** A same-data array with another shape of the same size. */
    public NpyArray reshape(int... newShape) {
        if (checkedSize(newShape) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape));
        }
        return new NpyArray(dtype, newShape.clone(), data);
    }

    /** Package access for the writer. */
    Object rawData() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NpyArray a)) return false;
        if (dtype != a.dtype || !Arrays.equals(shape, a.shape)) return false;
        return Objects.deepEquals(new Object[] {data}, new Object[] {a.data});
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + dtype.hashCode();
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype() + ", shape=" + Arrays.toString(shape) + "]";
    }
}
