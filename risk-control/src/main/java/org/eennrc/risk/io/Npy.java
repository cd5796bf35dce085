package org.eennrc.risk.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader and writer for the NumPy {@code .npy} format (versions 1.0, 2.0 and 3.0).
 *
 * <p>Format (numpy.lib.format): the magic {@code \x93NUMPY}, a major and minor version byte, the header length
 * (uint16 little endian in 1.0, uint32 in 2.0/3.0), then an ASCII (UTF-8 in 3.0) Python dict literal
 * {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }} padded with spaces and a newline, then
 * the raw data. The reader streams the data in chunks straight into the primitive array, so a 1 GB file needs
 * 1 GB of heap, not 2. Fortran-ordered arrays (what NumPy writes for a transposed view, {@code np.save(f, a.T)})
 * are read as {@code np.load} reads them: the result is the same array, stored in C order.
 *
 * <p>A header is not trusted: before allocating, the reader compares the bytes the shape and dtype claim with
 * the bytes the source can hold (the file size, or a zip entry's size), and with the heap the JVM may still
 * use, so a 1 KB file claiming (20000, 20000) float64 is an error naming the file, not an
 * {@link OutOfMemoryError}.
 *
 * <p>Every error message names the file (or stream) and the problem: bad magic, an unparsable header, an
 * unsupported dtype, a claimed size larger than the file, or data shorter than the shape says.
 */
public final class Npy {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int CHUNK = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Reads a {@code .npy} file. A missing file gives a {@link NoSuchFileException} naming the path. */
    public static NpyArray read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such .npy file");
        long size = Files.size(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            return read(in, file.toString(), size);
        }
    }

    /**
     * Reads one array from a stream positioned at the magic string; reads exactly the header and the data. The
     * length of the stream is unknown, so only the heap bounds the allocation; prefer
     * {@link #read(InputStream, String, long)} when the length is known.
     *
     * @param nameForErrors how error messages refer to the source, e.g. a file name or {@code x.npz!probs.npy}
     * @throws IOException naming the source and the problem
     */
    public static NpyArray read(InputStream in, String nameForErrors) throws IOException {
        return read(in, nameForErrors, -1);
    }

    /**
     * Reads one array from a stream of known length (header included), refusing a header whose shape claims more
     * data than that before anything is allocated.
     *
     * @param sourceBytes the number of bytes the stream holds from the magic string on, or -1 if unknown
     * @throws IOException naming the source and the problem
     */
    public static NpyArray read(InputStream in, String nameForErrors, long sourceBytes) throws IOException {
        byte[] head = new byte[8];
        int got = readFully(in, head, 0, 8);
        if (got < 8 || !Arrays.equals(Arrays.copyOf(head, 6), MAGIC)) {
            throw new IOException(nameForErrors + ": not a NumPy .npy file (bad magic string"
                    + (got < 8 ? ", file is only " + got + " bytes" : "") + ")");
        }
        int major = head[6] & 0xFF;
        int minor = head[7] & 0xFF;
        int headerLen;
        if (major == 1) {
            byte[] b = new byte[2];
            if (readFully(in, b, 0, 2) < 2) throw truncatedHeader(nameForErrors);
            headerLen = (b[0] & 0xFF) | ((b[1] & 0xFF) << 8);
        } else if (major == 2 || major == 3) {
            byte[] b = new byte[4];
            if (readFully(in, b, 0, 4) < 4) throw truncatedHeader(nameForErrors);
            long len = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
            if (len > 1 << 24) {
                throw new IOException(nameForErrors + ": .npy header length " + len + " is implausible (corrupt file?)");
            }
            headerLen = (int) len;
        } else {
            throw new IOException(nameForErrors + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        byte[] hb = new byte[headerLen];
        if (readFully(in, hb, 0, headerLen) < headerLen) throw truncatedHeader(nameForErrors);
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(header, nameForErrors);
        long headerBytes = 8L + (major == 1 ? 2 : 4) + headerLen;
        checkClaimedSize(h, nameForErrors, sourceBytes < 0 ? -1 : sourceBytes - headerBytes);
        return readData(in, h, nameForErrors);
    }

    /**
     * Refuses a header that claims more data than the source holds, or more than the heap can take: the shape
     * in a header is the only thing that sizes the allocation, so it is checked before trusting it.
     */
    private static void checkClaimedSize(Header h, String name, long availableDataBytes) throws IOException {
        long claimed = (long) NpyArray.checkedSize(h.shape) * h.dtype.itemSize();
        if (availableDataBytes >= 0 && claimed > availableDataBytes) {
            throw new IOException(name + ": the header claims shape " + Arrays.toString(h.shape) + " of "
                    + h.dtype.descr().substring(1) + " (" + claimed + " data bytes) but the file holds only "
                    + Math.max(0, availableDataBytes) + " (truncated or corrupt file)");
        }
        HeapLimitException.require(claimed, name + ": shape " + Arrays.toString(h.shape) + " of "
                + h.dtype.descr().substring(1));
    }

    private static IOException truncatedHeader(String name) {
        return new IOException(name + ": truncated .npy file (ends inside the header)");
    }

    /** {@code fortran}: the data is in column-major order (only meaningful for 2 or more dimensions). */
    private record Header(NpyArray.DType dtype, ByteOrder order, int[] shape, boolean fortran) {}

    private static Header parseHeader(String header, String name) throws IOException {
        String h = header.trim();
        if (!h.startsWith("{") || !h.endsWith("}")) {
            throw new IOException(name + ": .npy header is not a dict literal: " + abbreviate(h));
        }
        Matcher d = DESCR.matcher(h);
        Matcher f = FORTRAN.matcher(h);
        Matcher s = SHAPE.matcher(h);
        if (!d.find()) throw new IOException(name + ": .npy header has no parsable 'descr' (structured dtypes are"
                + " not supported): " + abbreviate(h));
        if (!f.find()) throw new IOException(name + ": .npy header has no parsable 'fortran_order': " + abbreviate(h));
        if (!s.find()) throw new IOException(name + ": .npy header has no parsable 'shape': " + abbreviate(h));
        String descr = d.group(1);
        NpyArray.DType dtype = NpyArray.DType.parse(descr);
        if (dtype == null) {
            throw new IOException(name + ": unsupported dtype '" + descr
                    + "' (supported: float32, float64, int8, uint8, int16, uint16, int32, uint32, int64, uint64, bool)");
        }
        char bo = descr.charAt(0);
        ByteOrder order;
        if (bo == '<' || bo == '|' || bo == '=') order = ByteOrder.LITTLE_ENDIAN;
        else if (bo == '>') order = ByteOrder.BIG_ENDIAN;
        else throw new IOException(name + ": unknown byte order '" + bo + "' in dtype '" + descr + "'");
        boolean fortran = f.group(1).equals("True");
        List<Integer> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String t = part.trim();
            if (t.isEmpty()) continue;
            if (t.endsWith("L")) t = t.substring(0, t.length() - 1); // Python 2 longs
            try {
                long v = Long.parseLong(t);
                if (v < 0 || v > Integer.MAX_VALUE) throw new NumberFormatException();
                dims.add((int) v);
            } catch (NumberFormatException e) {
                throw new IOException(name + ": .npy header has a bad shape entry '" + t + "': " + abbreviate(h));
            }
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        try {
            NpyArray.checkedSize(shape);
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": " + e.getMessage());
        }
        return new Header(dtype, order, shape, fortran && shape.length > 1);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static NpyArray readData(InputStream in, Header h, String name) throws IOException {
        int size = NpyArray.checkedSize(h.shape);
        int item = h.dtype.itemSize();
        long totalBytes = (long) size * item;
        Object data;
        switch (h.dtype) {
            case FLOAT32: data = new float[size]; break;
            case FLOAT64: data = new double[size]; break;
            case INT16: case UINT16: data = new short[size]; break;
            case INT32: case UINT32: data = new int[size]; break;
            case INT64: case UINT64: data = new long[size]; break;
            default: data = new byte[size]; break;
        }
        FortranIndex fortran = h.fortran ? new FortranIndex(h.shape) : null;
        byte[] buf = new byte[CHUNK];
        int done = 0; // elements
        while (done < size) {
            int n = Math.min(CHUNK / item, size - done);
            int bytes = n * item;
            int got = readFully(in, buf, 0, bytes);
            if (got < bytes) {
                long have = (long) done * item + got;
                throw new EOFException(name + ": truncated .npy data: shape " + Arrays.toString(h.shape) + " of "
                        + h.dtype.descr().substring(1) + " needs " + totalBytes + " data bytes but the file has only "
                        + have);
            }
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, bytes).order(h.order);
            if (fortran != null) {
                fortran.scatter(bb, h.dtype, data, n);
            } else {
                switch (h.dtype) {
                    case FLOAT32: bb.asFloatBuffer().get((float[]) data, done, n); break;
                    case FLOAT64: bb.asDoubleBuffer().get((double[]) data, done, n); break;
                    case INT16: case UINT16: bb.asShortBuffer().get((short[]) data, done, n); break;
                    case INT32: case UINT32: bb.asIntBuffer().get((int[]) data, done, n); break;
                    case INT64: case UINT64: bb.asLongBuffer().get((long[]) data, done, n); break;
                    default: System.arraycopy(buf, 0, data, done, n); break;
                }
            }
            done += n;
        }
        if (h.dtype == NpyArray.DType.BOOL) {
            byte[] b = (byte[]) data;
            for (int i = 0; i < b.length; i++) {
                if (b[i] != 0 && b[i] != 1) {
                    throw new IOException(name + ": bool array holds byte value " + b[i] + " at element " + i);
                }
            }
        }
        return NpyArray.wrap(h.dtype, h.shape, data);
    }

    /**
     * Walks a Fortran-ordered (column-major: first axis fastest) stream of elements and puts each at its C-order
     * position, so the array read equals {@code np.load}'s without a second copy of the data.
     */
    private static final class FortranIndex {
        private final int[] shape;
        private final int[] cStride;
        private final int[] index;
        private int cPos;

        FortranIndex(int[] shape) {
            this.shape = shape;
            this.cStride = new int[shape.length];
            int s = 1;
            for (int a = shape.length - 1; a >= 0; a--) {
                cStride[a] = s;
                s *= shape[a];
            }
            this.index = new int[shape.length];
        }

        /** Puts the next {@code n} elements of {@code bb} at their C positions and advances. */
        void scatter(ByteBuffer bb, NpyArray.DType dtype, Object data, int n) {
            for (int e = 0; e < n; e++) {
                switch (dtype) {
                    case FLOAT32: ((float[]) data)[cPos] = bb.getFloat(); break;
                    case FLOAT64: ((double[]) data)[cPos] = bb.getDouble(); break;
                    case INT16: case UINT16: ((short[]) data)[cPos] = bb.getShort(); break;
                    case INT32: case UINT32: ((int[]) data)[cPos] = bb.getInt(); break;
                    case INT64: case UINT64: ((long[]) data)[cPos] = bb.getLong(); break;
                    default: ((byte[]) data)[cPos] = bb.get(); break;
                }
                advance();
            }
        }

        private void advance() {
            for (int a = 0; a < shape.length; a++) {
                index[a]++;
                cPos += cStride[a];
                if (index[a] < shape[a]) return;
                cPos -= index[a] * cStride[a];
                index[a] = 0;
            }
        }
    }

    /** Reads until {@code len} bytes or end of stream; returns the number read. */
    static int readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int r = in.read(b, off + total, len - total);
            if (r < 0) break;
            total += r;
        }
        return total;
    }

    /** Writes atomically: a temporary file in the same folder, then an atomic move over {@code file}. */
    public static void write(Path file, NpyArray array) throws IOException {
        AtomicFiles.write(file, out -> write(out, array));
    }

    /** Writes one array (little endian, C order; version 1.0 unless the header needs 2.0). Does not close. */
    public static void write(OutputStream os, NpyArray array) throws IOException {
        OutputStream out = new BufferedOutputStream(nonClosing(os), CHUNK);
        out.write(header(array));
        writeData(out, array);
        out.flush();
    }

    static byte[] header(NpyArray array) {
        int[] shape = array.shape();
        StringBuilder sb = new StringBuilder();
        sb.append("{'descr': '").append(array.dtype()).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        if (shape.length == 1) sb.append(',');
        sb.append("), }");
        int pre = 10; // magic(6) + version(2) + uint16 len
        int total = pre + sb.length() + 1;
        boolean v2 = false;
        if (((total + 63) / 64) * 64 - pre > 65535) {
            v2 = true;
            pre = 12;
            total = pre + sb.length() + 1;
        }
        int padded = ((total + 63) / 64) * 64;
        while (pre + sb.length() + 1 < padded) sb.append(' ');
        sb.append('\n');
        byte[] dict = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer bb = ByteBuffer.allocate(pre + dict.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) bb.putInt(dict.length);
        else bb.putShort((short) dict.length);
        bb.put(dict);
        return bb.array();
    }

    private static void writeData(OutputStream out, NpyArray array) throws IOException {
        Object data = array.rawData();
        int size = array.size();
        int item = array.dtypeEnum().itemSize();
        if (data instanceof byte[] b) {
            out.write(b);
            return;
        }
        byte[] buf = new byte[CHUNK];
        int done = 0;
        while (done < size) {
            int n = Math.min(CHUNK / item, size - done);
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n * item).order(ByteOrder.LITTLE_ENDIAN);
            if (data instanceof float[] f) bb.asFloatBuffer().put(f, done, n);
            else if (data instanceof double[] d) bb.asDoubleBuffer().put(d, done, n);
            else if (data instanceof int[] i) bb.asIntBuffer().put(i, done, n);
            else if (data instanceof short[] sh) bb.asShortBuffer().put(sh, done, n);
            else bb.asLongBuffer().put((long[]) data, done, n);
            out.write(buf, 0, n * item);
            done += n;
        }
    }

    private static OutputStream nonClosing(OutputStream os) {
        return new java.io.FilterOutputStream(os) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
