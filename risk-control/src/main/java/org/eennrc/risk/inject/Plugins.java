package org.eennrc.risk.inject;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.eennrc.risk.provenance.FileDigest;

/**
 * The plug-ins in use: every {@link EennPlugin} that {@link ServiceLoader} finds on the class path and in the jars
 * of a plug-in path, with the SHA-256 of each jar for provenance.
 *
 * <p>The plug-in path is a list of jars and folders separated by the platform's path separator ({@code :} on
 * Linux); a folder stands for the {@code .jar} files directly inside it. The CLI takes it from {@code --plugins},
 * the system property {@code eenn.plugins} or the environment variable {@code EENN_PLUGINS}; a program embedding the
 * library calls {@link #load} itself. The jars get their own class loader whose parent is the caller's, so classes
 * on the class path are shared and a plug-in on the plain class path is found as well.
 *
 * <p>Immutable; the class loader lives as long as the object (it is not closed, since plug-in classes may be used
 * until the program ends).
 */
public final class Plugins {
    /** The role recorded for plug-in jars in provenance. */
    public static final String ROLE = "plugin";

    private final ClassLoader loader;
    private final List<EennPlugin> modules;
    private final List<FileDigest> jars;

    private Plugins(ClassLoader loader, List<EennPlugin> modules, List<FileDigest> jars) {
        this.loader = loader;
        this.modules = List.copyOf(modules);
        this.jars = List.copyOf(jars);
    }

    /** No plug-ins: the built-ins only. */
    public static Plugins none() {
        return new Plugins(Plugins.class.getClassLoader(), List.of(), List.of());
    }

    /** The plug-ins on a class path (no extra jars). */
    public static Plugins fromClassPath(ClassLoader loader) {
        return load(List.of(), loader);
    }

    /**
     * The plug-ins of the given jars (or folders of jars) plus those visible to {@code parent}.
     *
     * @throws IllegalArgumentException naming the path when a jar or folder is missing, a folder holds no jar, a
     *     file is not a jar, or a listed plug-in cannot be loaded (missing class, no public no-argument
     *     constructor, not an {@link EennPlugin})
     */
    public static Plugins load(List<Path> path, ClassLoader parent) {
        List<Path> jarFiles = expand(path);
        ClassLoader loader = parent;
        if (!jarFiles.isEmpty()) {
            URL[] urls = new URL[jarFiles.size()];
            for (int i = 0; i < urls.length; i++) {
                try {
                    urls[i] = jarFiles.get(i).toUri().toURL();
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("plug-in path: cannot use " + jarFiles.get(i) + ": " + e.getMessage(), e);
                }
            }
            loader = new URLClassLoader("eenn-plugins", urls, parent);
        }
        List<EennPlugin> modules = new ArrayList<>();
        Iterator<EennPlugin> it = ServiceLoader.load(EennPlugin.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) break;
                modules.add(it.next());
            } catch (ServiceConfigurationError e) {
                throw new IllegalArgumentException("cannot load a plug-in listed in META-INF/services/"
                        + EennPlugin.class.getName() + " (plug-in path " + jarFiles + " or the class path): "
                        + e.getMessage(), e);
            }
        }
        List<FileDigest> digests = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path j : jarFiles) {
            if (seen.add(j)) digests.add(FileDigest.of(ROLE, j));
        }
        for (EennPlugin m : modules) {
            Path source = codeSource(m.getClass());
            if (source != null && seen.add(source)) digests.add(FileDigest.of(ROLE, source));
        }
        return new Plugins(loader, modules, digests);
    }

    /** Splits a plug-in path ({@code a.jar:lib/}) at the platform's path separator, dropping empty entries. */
    public static List<Path> parsePath(String list) {
        List<Path> out = new ArrayList<>();
        if (list == null) return out;
        for (String part : list.split(java.util.regex.Pattern.quote(File.pathSeparator))) {
            if (!part.isBlank()) out.add(Path.of(part.trim()));
        }
        return out;
    }

    private static List<Path> expand(List<Path> path) {
        List<Path> out = new ArrayList<>();
        for (Path p : path) {
            Path abs = p.toAbsolutePath().normalize();
            if (Files.isDirectory(abs)) {
                List<Path> inside;
                try (Stream<Path> s = Files.list(abs)) {
                    inside = s.filter(f -> Files.isRegularFile(f) && isJarName(f)).sorted().toList();
                } catch (IOException e) {
                    throw new IllegalArgumentException("plug-in path: cannot list folder " + abs + ": " + e.getMessage(), e);
                }
                if (inside.isEmpty()) {
                    throw new IllegalArgumentException("plug-in path: folder " + abs + " holds no .jar file");
                }
                out.addAll(inside);
            } else if (!Files.exists(abs)) {
                throw new IllegalArgumentException("plug-in path: no such jar or folder: " + abs);
            } else if (!isJarName(abs)) {
                throw new IllegalArgumentException("plug-in path: " + abs + " is not a .jar file (give jars, or "
                        + "folders that hold jars)");
            } else if (!Files.isReadable(abs)) {
                throw new IllegalArgumentException("plug-in path: permission denied: " + abs);
            } else {
                out.add(abs);
            }
        }
        return out;
    }

    private static boolean isJarName(Path f) {
        return f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar");
    }

    private static Path codeSource(Class<?> c) {
        CodeSource cs = c.getProtectionDomain() == null ? null : c.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) return null;
        try {
            return Path.of(cs.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }

    /** The class loader that sees the plug-in jars (the parent's when there are none). */
    public ClassLoader classLoader() {
        return loader;
    }

    /** The plug-in modules found, in discovery order. */
    public List<EennPlugin> modules() {
        return modules;
    }

    /** The class names of the plug-in modules. */
    public List<String> moduleNames() {
        return modules.stream().map(m -> m.getClass().getName()).toList();
    }

    /**
     * Every jar of the plug-in path and the jar (or class folder) of every plug-in module found on the class path,
     * with its SHA-256, in that order.
     */
    public List<FileDigest> jars() {
        return jars;
    }

    @Override
    public String toString() {
        return "Plugins" + moduleNames();
    }
}
