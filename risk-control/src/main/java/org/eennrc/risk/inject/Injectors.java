package org.eennrc.risk.inject;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import java.util.Collection;
import java.util.List;

/**
 * Creates Guice injectors for the registries and reports a bad plug-in binding as a plain
 * {@link IllegalArgumentException} with the registry's own message (which names the key, the {@code name()} and the
 * class), instead of Guice's multi-line error report, so that the CLI can print it as one line.
 */
public final class Injectors {
    private Injectors() {}

    /** {@link Guice#createInjector(Iterable)} with errors unwrapped (see the class comment). */
    public static Injector create(List<? extends Module> modules) {
        try {
            return Guice.createInjector(modules);
        } catch (CreationException e) {
            throw unwrap(e.getErrorMessages(), e);
        }
    }

    /** {@link Injector#getInstance(Key)} with errors unwrapped. */
    public static <T> T get(Injector injector, Key<T> key) {
        try {
            return injector.getInstance(key);
        } catch (ProvisionException e) {
            throw unwrap(e.getErrorMessages(), e);
        } catch (ConfigurationException e) {
            throw unwrap(e.getErrorMessages(), e);
        }
    }

    private static RuntimeException unwrap(Collection<Message> messages, RuntimeException e) {
        for (Message m : messages) {
            Throwable c = m.getCause();
            while (c != null) {
                if (c instanceof IllegalArgumentException iae) return iae;
                c = c.getCause();
            }
        }
        String first = messages.isEmpty() ? e.getMessage() : messages.iterator().next().getMessage();
        String line = first == null ? e.toString() : first.lines().findFirst().orElse(first);
        return new IllegalArgumentException("cannot create the registered objects (built-ins and plug-ins): " + line, e);
    }
}
