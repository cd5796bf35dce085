package org.eennrc.risk.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.eennrc.risk.provenance.FileDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ServiceLoader discovery of plug-in modules from a plug-in path, with the jars' SHA-256. */
class PluginsTest {
    @TempDir
    Path dir;

    /** A plug-in: binds nothing, it only has to be found. */
    public static final class TestPlugin extends AbstractModule implements EennPlugin {
        @Override
        protected void configure() {}
    }

    /** A jar that only lists a service (the class itself comes from the parent class loader). */
    private Path serviceJar(String name, String provider) throws IOException {
        Path jar = dir.resolve(name);
        Files.createDirectories(jar.getParent());
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
            out.putNextEntry(new JarEntry("META-INF/services/" + EennPlugin.class.getName()));
            out.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void aJarOnThePluginPathIsFoundAndHashed() throws IOException {
        Path jar = serviceJar("my-plugin.jar", TestPlugin.class.getName());
        Plugins p = Plugins.load(List.of(jar), getClass().getClassLoader());
        assertThat(p.moduleNames()).containsExactly(TestPlugin.class.getName());
        FileDigest d = p.jars().get(0);
        assertThat(d.path()).isEqualTo(jar.toAbsolutePath().toString());
        assertThat(d.sha256()).isEqualTo(FileDigest.sha256(jar)).hasSize(64);
        assertThat(d.role()).isEqualTo(Plugins.ROLE);
        assertThat(p.classLoader()).isNotSameAs(getClass().getClassLoader());
    }

    @Test
    void aFolderStandsForTheJarsInside() throws IOException {
        serviceJar("lib/b.jar", TestPlugin.class.getName());
        Path other = serviceJar("lib/a.jar", TestPlugin.class.getName());
        Files.writeString(dir.resolve("lib/readme.txt"), "not a jar");
        Plugins p = Plugins.load(List.of(dir.resolve("lib")), getClass().getClassLoader());
        // one plug-in class, listed twice, is loaded once; both jars are recorded, sorted
        assertThat(p.moduleNames()).containsExactly(TestPlugin.class.getName());
        assertThat(p.jars()).extracting(FileDigest::path)
                .startsWith(other.toAbsolutePath().toString(), dir.resolve("lib/b.jar").toAbsolutePath().toString());
    }

    @Test
    void badPathsAreNamed() throws IOException {
        ClassLoader cl = getClass().getClassLoader();
        assertThatThrownBy(() -> Plugins.load(List.of(dir.resolve("missing.jar")), cl))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such jar or folder")
                .hasMessageContaining("missing.jar");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> Plugins.load(List.of(dir.resolve("empty")), cl)).hasMessageContaining("holds no .jar file");
        Files.writeString(dir.resolve("x.txt"), "x");
        assertThatThrownBy(() -> Plugins.load(List.of(dir.resolve("x.txt")), cl)).hasMessageContaining("is not a .jar file");
        Path bad = serviceJar("bad.jar", "com.example.Missing");
        assertThatThrownBy(() -> Plugins.load(List.of(bad), cl)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load a plug-in").hasMessageContaining("com.example.Missing");
    }

    @Test
    void thePathIsSplitAtThePathSeparator() {
        assertThat(Plugins.parsePath("a.jar" + File.pathSeparator + File.pathSeparator + " lib "))
                .containsExactly(Path.of("a.jar"), Path.of("lib"));
        assertThat(Plugins.parsePath(null)).isEmpty();
        assertThat(Plugins.none().modules()).isEmpty();
        assertThat(Plugins.none().jars()).isEmpty();
    }
}
