/** Internal: the functions and hooks shipped to Spark executors; not API. */
package org.eennrc.spark.internal;
