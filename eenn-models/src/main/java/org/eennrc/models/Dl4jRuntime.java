package org.eennrc.models;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Process-wide ND4J/DL4J settings that must be in place before the first ND4J call.
 *
 * <p>Call {@link #init()} first thing in every entry point (it is idempotent and cheap). It
 * <ul>
 *   <li>sets {@code org.eclipse.deeplearning4j.helpers.disable=false} unless the user set it (M2.1 disables the
 *       oneDNN layer helpers by default; the other half of the fix is {@link org.nd4j.nativeblas.Nd4jCpu});</li>
 *   <li>allows helpers on the ND4J environment as well;</li>
 *   <li>warns when the javacpp memory caps are absent (ND4J frees off-heap memory only on GC; without caps RSS
 *       grows to several GB, see docs/dl4j-notes.md, trap 2).</li>
 * </ul>
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

    public static synchronized void init() {
        if (initialised) {
            return;
        }
        if (System.getProperty(HELPERS_PROPERTY) == null) {
            System.setProperty(HELPERS_PROPERTY, "false");
        }
        boolean helpers = !Boolean.parseBoolean(System.getProperty(HELPERS_PROPERTY));
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
}
