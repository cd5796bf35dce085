package org.eennrc.spark;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A SPARK_HOME for {@code local-cluster} tests: Spark's workers start each executor JVM with {@code SPARK_HOME/jars/*}
 * as its class path, so this puts every entry of the test class path there (jars linked, class folders packed).
 * The pom points SPARK_HOME at {@code target/spark-home}.
 */
final class LocalSparkHome {
    private LocalSparkHome() {
    }

    static Path build() throws IOException {
        String home = System.getenv("SPARK_HOME");
        if (home == null) {
            throw new IllegalStateException("SPARK_HOME is not set (the pom sets it to target/spark-home for the tests)");
        }
        Path jars = Path.of(home).resolve("jars");
        Files.createDirectories(jars);
        // Spark's launcher in test mode asks this folder for the Scala version of a build tree
        Files.createDirectories(Path.of(home).resolve("launcher/target/scala-2.12"));
        try (Stream<Path> old = Files.list(jars)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                jarFolder(p, jars.resolve(String.format("%03d-classes.jar", i++)));
            } else if (Files.isRegularFile(p) && entry.endsWith(".jar") && !entry.contains("surefire")) {
                Files.createSymbolicLink(jars.resolve(String.format("%03d-", i++) + p.getFileName()), p.toAbsolutePath());
            }
        }
        return Path.of(home);
    }

    private static void jarFolder(Path dir, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                j.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }

}
