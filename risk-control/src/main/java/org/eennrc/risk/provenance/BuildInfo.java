package org.eennrc.risk.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and source commit of this build of eenn-rc, read from {@code eenn-build.properties}, a resource the
 * Maven build writes (resource filtering of {@code ${project.version}} and of the commit found by the
 * git-commit-id plug-in in the project's own source tree).
 *
 * <p>Why a build-time resource and not {@code git rev-parse} at run time: the tool's own commit is a fact about
 * the build, and running {@code git} in a user's working directory would let that directory's {@code .git/config}
 * (e.g. {@code core.fsmonitor}) run arbitrary commands. Nothing here starts a process.
 *
 * @param version the Maven version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown}
 * @param commit the full commit id of the sources, or {@code unknown} (built outside a git checkout)
 * @param dirty whether the sources had uncommitted changes at build time; null when unknown
 */
public record BuildInfo(String version, String commit, Boolean dirty) {
    /** The classpath resource the build writes. */
    public static final String RESOURCE = "/org/eennrc/risk/provenance/eenn-build.properties";
    private static final String UNKNOWN = "unknown";
    private static final BuildInfo CURRENT = load();

    /** The build information of the eenn-rc classes in use. */
    public static BuildInfo current() {
        return CURRENT;
    }

    /**
     * Reads the properties {@code version}, {@code commit} and {@code dirty}; values the build did not fill in
     * (still {@code ${...}}, or empty) become {@code unknown} / null.
     */
    public static BuildInfo from(Properties p) {
        String dirty = known(p.getProperty("dirty"));
        return new BuildInfo(orUnknown(known(p.getProperty("version"))), orUnknown(known(p.getProperty("commit"))),
                dirty == null ? null : Boolean.valueOf(dirty));
    }

    private static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // an unreadable resource leaves every field unknown: provenance must not fail the run it describes
        }
        return from(p);
    }

    private static String known(String v) {
        if (v == null) return null;
        String t = v.trim();
        return t.isEmpty() || t.contains("${") ? null : t;
    }

    private static String orUnknown(String v) {
        return v == null ? UNKNOWN : v;
    }
}
