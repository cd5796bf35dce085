package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim for DL4J 1.0.0-M2.1 (see docs/dl4j-notes.md, trap 1).
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper#mklDnnEnabled()} looks up, by reflection,
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#getInstance().isUseMKLDNN()}. In M2.1 that class moved to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the method became
 * {@code isUseONEDNN()}, so the lookup fails silently and convolution / batch-norm layers run without oneDNN
 * (7-10x slower). This class restores the old name and delegates to the new one.
 *
 * <p>The delegate is reached by reflection so that the module also compiles against the CUDA backend
 * ({@code -Pcuda}), where the CPU bindings are absent; there {@link Environment#isUseMKLDNN()} is false.
 */
public final class Nd4jCpu {
    static final String NEW_ENVIRONMENT = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

    private Nd4jCpu() {
    }

    /** Old-name view of the native environment: only what the DL4J helpers ask for. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private final Object delegate;
        private final Method isUse;
        private final Method setUse;

        private Environment() {
            Object d = null;
            Method is = null;
            Method set = null;
            try {
                Class<?> c = Class.forName(NEW_ENVIRONMENT);
                d = c.getMethod("getInstance").invoke(null);
                is = c.getMethod("isUseONEDNN");
                set = c.getMethod("setUseONEDNN", boolean.class);
            } catch (ReflectiveOperationException | LinkageError e) {
                d = null; // not the native CPU backend
            }
            delegate = d;
            isUse = is;
            setUse = set;
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Delegates to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment#isUseONEDNN()}. */
        public boolean isUseMKLDNN() {
            if (delegate == null) {
                return false;
            }
            try {
                return (Boolean) isUse.invoke(delegate);
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }

        /** Delegates to {@code setUseONEDNN(boolean)}; a no-op on other backends. */
        public void setUseMKLDNN(boolean use) {
            if (delegate == null) {
                return;
            }
            try {
                setUse.invoke(delegate, use);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
