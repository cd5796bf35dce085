package org.eennrc.models;

import java.io.PrintStream;
import java.nio.charset.Charset;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The process-wide ND4J/DL4J settings this project depends on (docs/dl4j-notes.md, traps 1 and 2).
 *
 * <p>Library code only <em>checks</em>: {@link #init()} (idempotent, cheap, called by every model entry point of the
 * library) warns once when the oneDNN layer helpers are off or the javacpp memory caps are absent, and allows helpers
 * on the ND4J environment. Changing JVM-wide state is left to entry points, which call {@link #configureProcess()}
 * first thing in {@code main}: the {@code eenn} command line and the bench mains do; a user's own program does too,
 * or starts the JVM with {@value #RECOMMENDED_JVM_OPTIONS}.
 */
public final class Dl4jRuntime {
    public static final String HELPERS_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    /** JVM options every launcher should use. */
    public static final String RECOMMENDED_JVM_OPTIONS =
            "-Xmx1g -Dorg.bytedeco.javacpp.maxbytes=1500m -Dorg.bytedeco.javacpp.maxphysicalbytes=2500m "
                    + "-Dorg.eclipse.deeplearning4j.helpers.disable=false";

    private static volatile boolean initialised;

    private Dl4jRuntime() {
    }

    /**
     * For entry points only ({@code main}), before the first ND4J call: turns the oneDNN layer helpers on unless the
     * user set {@value #HELPERS_PROPERTY} (M2.1 disables them by default, which makes convolutions 7–9× slower; the
     * other half of that fix is the {@code org.nd4j.nativeblas.Nd4jCpu} shim), and drops SameDiff's "Added
     * differentiated op" lines from standard output (M2.1 prints one per op, about 250, whenever it builds a gradient
     * graph, with {@code System.out.println}; nothing else can silence them).
     */
    public static synchronized void configureProcess() {
        if (System.getProperty(HELPERS_PROPERTY) == null) {
            System.setProperty(HELPERS_PROPERTY, "false");
        }
        if (!(System.out instanceof SameDiffChatterFilter)) {
            System.setOut(new SameDiffChatterFilter(System.out));
        }
    }

    /** Checks the process settings (warning once on standard error) and allows helpers in ND4J. */
    public static synchronized void init() {
        if (initialised) {
            return;
        }
        boolean helpers = "false".equalsIgnoreCase(System.getProperty(HELPERS_PROPERTY));
        if (!helpers) {
            System.err.println("[eenn] warning: DL4J's oneDNN layer helpers are off, so convolutions run 7-9x slower; "
                    + "start the JVM with -D" + HELPERS_PROPERTY + "=false or call Dl4jRuntime.configureProcess() first");
        }
        if (System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null) {
            System.err.println("[eenn] warning: no javacpp memory caps; launch the JVM with " + RECOMMENDED_JVM_OPTIONS);
        }
        Nd4j.getEnvironment().allowHelpers(helpers);
        initialised = true;
    }

    /** Whether the native CPU backend reports oneDNN in use (false on other backends). */
    public static boolean oneDnnEnabled() {
        init();
        return org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN();
    }

    /** One line describing the backend, for logs and benchmark records. */
    public static String describe() {
        init();
        var p = Nd4j.getExecutioner().getEnvironmentInformation();
        return "backend=" + p.getProperty("backend") + " oneDNN=" + oneDnnEnabled()
                + " helpersAllowed=" + Nd4j.getEnvironment().helpersAllowed()
                + " threads=" + Nd4j.getEnvironment().maxThreads()
                + " dtype=" + Nd4j.dataType();
    }

    /** Standard output without SameDiff's per-op "Added differentiated op" lines. */
    private static final class SameDiffChatterFilter extends PrintStream {
        SameDiffChatterFilter(PrintStream out) {
            super(out, true, Charset.defaultCharset());
        }

        @Override
        public void println(String x) {
            if (x == null || !x.startsWith("Added differentiated op")) {
                super.println(x);
            }
        }
    }
}
