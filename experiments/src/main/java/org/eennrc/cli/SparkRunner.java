package org.eennrc.cli;

import java.util.ServiceLoader;

import org.eennrc.cli.spi.SparkBackend;

/** Finds the Spark backend of {@code --spark} on the class path, or says how to get it. */
final class SparkRunner {
    static final String HOW_TO = "--spark: the Spark runner is not on the class path. It is the optional module "
            + "eenn-spark (Maven org.eennrc:eenn-spark:0.1.0-SNAPSHOT). Build its jar with 'mvn -B -Pspark-jar -pl "
            + "eenn-spark -am package -DskipTests' and run 'spark-submit --class org.eennrc.cli.EennCli "
            + "eenn-spark/target/eenn-spark-0.1.0-SNAPSHOT-spark.jar train|export --spark MASTER ...', or put that jar "
            + "and Spark's jars on CLASSPATH; docs/distributed.md shows the JVM flags Spark needs";

    private SparkRunner() {}

    static SparkBackend backend() {
        return ServiceLoader.load(SparkBackend.class).findFirst().orElseThrow(() -> new CliException(HOW_TO));
    }
}
