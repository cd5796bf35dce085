package org.eennrc.spark;

import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.eennrc.models.Dl4jRuntime;

/**
 * The Spark settings DL4J needs on Java 17, in one place (docs/distributed.md, "JVM flags"): Kryo with ND4J's
 * registrator, the {@code --add-opens} flags and the javacpp memory caps on every executor, {@code OMP_NUM_THREADS}
 * equal to the executor's cores (more threads than cores make every native call slower), and passive OpenMP waiting.
 * Every value is set only when missing, so {@code spark-submit --conf} and {@code spark-defaults.conf} win.
 */
public final class SparkSetup {
    /** The JDK packages Spark reflects into on Java 17; the driver needs them too (on its own command line). */
    public static final List<String> ADD_OPENS = List.of("java.base/java.lang", "java.base/java.lang.invoke",
            "java.base/java.lang.reflect", "java.base/java.io", "java.base/java.net", "java.base/java.nio",
            "java.base/java.util", "java.base/java.util.concurrent", "java.base/java.util.concurrent.atomic",
            "java.base/sun.nio.ch", "java.base/sun.nio.cs", "java.base/sun.security.action",
            "java.base/sun.util.calendar");

    private SparkSetup() {
    }

    /** {@link #ADD_OPENS} as JVM options. */
    public static String addOpensOptions() {
        StringBuilder sb = new StringBuilder();
        for (String p : ADD_OPENS) {
            sb.append(sb.length() == 0 ? "" : " ").append("--add-opens=").append(p).append("=ALL-UNNAMED");
        }
        return sb.toString();
    }

    /**
     * The executor JVM options: the opens, the project's javacpp caps and oneDNN helper flag
     * ({@link Dl4jRuntime#RECOMMENDED_JVM_OPTIONS} without the heap size, which Spark sets from
     * {@code spark.executor.memory}).
     */
    public static String executorJavaOptions() {
        return addOpensOptions() + " " + Dl4jRuntime.RECOMMENDED_JVM_OPTIONS.replaceFirst("-Xmx\\S+\\s*", "");
    }

    /**
     * A configuration for {@code master} (e.g. {@code local[2]}, {@code yarn}, {@code k8s://https://host:443}) with
     * the settings above added where missing. {@code spark.*} system properties, which spark-submit sets, are read
     * first.
     */
    public static SparkConf conf(String master, String appName) {
        SparkConf c = new SparkConf();
        if (master != null) {
            c.setMaster(master);
        }
        c.setIfMissing("spark.app.name", appName);
        c.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        c.setIfMissing("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        c.setIfMissing("spark.executor.extraJavaOptions", executorJavaOptions());
        String cores = c.get("spark.executor.cores", "1");
        c.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", cores);
        c.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        if (c.get("spark.master", "").startsWith("local")) {
            c.setIfMissing("spark.ui.enabled", "false"); // no web UI for a run inside one machine (tests, benches)
        }
        return c;
    }

    /** A context for {@link #conf}. */
    public static JavaSparkContext context(String master, String appName) {
        return new JavaSparkContext(conf(master, appName));
    }
}
