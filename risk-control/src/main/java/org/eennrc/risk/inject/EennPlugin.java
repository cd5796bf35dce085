package org.eennrc.risk.inject;

import com.google.inject.Module;

/**
 * The service type of an eenn-rc plug-in: a Guice module that adds controllers, upper bounds, p-values, FWER
 * procedures ({@link RiskControlModule#controllers} and its siblings), confidence measures or risks (eenn-core's
 * {@code CoreModule.confidenceMeasures} / {@code CoreModule.risks}) by name. A jar names its implementation in
 * {@code META-INF/services/org.eennrc.risk.inject.EennPlugin}; {@link Plugins} finds it with
 * {@link java.util.ServiceLoader}, and every {@code eenn} command then sees its names with no config entry.
 *
 * <p>Why a dedicated type rather than loading {@link Module} itself: other libraries on a class path may list their
 * own Guice modules as {@code com.google.inject.Module} services for their own discovery, and installing those
 * would add unrelated bindings (or fail on duplicates) in every command. A type of this project makes the intent
 * explicit, so only modules written for eenn-rc are installed. It adds no method: a plug-in is an ordinary module.
 *
 * <p>An implementation needs a public no-argument constructor (ServiceLoader's rule). Each binding's key must
 * equal the bound object's {@code name()}: the registry refuses a mismatch, because results are labelled with
 * {@code name()} and looked up by the key.
 */
public interface EennPlugin extends Module {}
