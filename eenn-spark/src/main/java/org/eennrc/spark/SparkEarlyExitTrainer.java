package org.eennrc.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.train.Checkpoints;
import org.eennrc.models.train.EarlyExitTrainer;
import org.eennrc.models.train.GraphNetwork;
import org.eennrc.models.train.TrainingListener;
import org.eennrc.spark.internal.FullLabels;
import org.eennrc.spark.internal.RuntimeHook;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Data-parallel training of any early-exit {@code ComputationGraph} ({@link GraphNetwork}) on Spark with DL4J's
 * {@link ParameterAveragingTrainingMaster}: each of W workers takes {@code averagingFrequency} optimisation steps on
 * its own batches, then the driver averages the parameters and the updater state (Adam's moments) and sends them back.
 * With frequency 1 and worker batches of B/W this is close to single-JVM training with batch B (plain SGD: equal; Adam:
 * the averaged second moments differ slightly).
 *
 * <p>The exits train jointly as in {@link EarlyExitTrainer}: a batch with one label array is given to every exit. The
 * driver holds the network between epochs, so the single-JVM listeners run there unchanged, after every epoch:
 * {@link TrainingListener#validation} (per-exit accuracy), {@link Checkpoints} (the same files, so a run resumes on
 * Spark or in one JVM alike) and {@link TrainingListener#printing}. Progress is reported once per epoch (the mean loss is
 * Spark's mean of the workers' last scores). Shared training ({@code SharedTrainingMaster}, Aeron) is left out on
 * purpose: docs/distributed.md says why.
 *
 * <pre>{@code
 * try (JavaSparkContext sc = SparkSetup.context("local[2]", "train")) {
 *     GraphNetwork net = new GraphNetwork(graph, InputType.convolutional(28, 28, 1));
 *     EarlyExitTrainer.Result r = SparkEarlyExitTrainer.builder(sc, net,
 *                     SparkEpochData.parallelize(sc, train.shuffled(16, 42, false), 2))
 *             .batchSizePerWorker(16).averagingFrequency(1).epochs(3).seed(42)
 *             .listeners(TrainingListener.validation(validation.iterator(500)), TrainingListener.printing(System.out, "img"))
 *             .train();
 * }
 * }</pre>
 */
public final class SparkEarlyExitTrainer {
    private final Builder b;

    private SparkEarlyExitTrainer(Builder b) {
        this.b = b;
    }

    /** A trainer of {@code network} on the RDD batches of {@code data}. */
    public static Builder builder(JavaSparkContext sc, GraphNetwork network, SparkEpochData data) {
        return new Builder(sc, network, data);
    }

    /** Settings of a run. */
    public static final class Builder {
        private final JavaSparkContext sc;
        private final GraphNetwork network;
        private final SparkEpochData data;
        private int workers;
        private int batchSizePerWorker = 32;
        private int averagingFrequency = 5;
        private int epochs = 1;
        private int stopAfterEpochs;
        private long seed;
        private boolean resume;
        private String exportDirectory;
        private boolean direct;
        private IntToDoubleFunction learningRate = i -> Double.NaN;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder(JavaSparkContext sc, GraphNetwork network, SparkEpochData data) {
            this.sc = Objects.requireNonNull(sc, "sc");
            this.network = Objects.requireNonNull(network, "network");
            this.data = Objects.requireNonNull(data, "data");
            this.workers = sc.defaultParallelism();
        }

        /** Workers averaged per round (default: the context's default parallelism). */
        public Builder workers(int v) {
            workers = positive(v, "workers");
            return this;
        }

        /** Examples per RDD element and per worker step: the batches of {@link SparkEpochData} must have this size. */
        public Builder batchSizePerWorker(int v) {
            batchSizePerWorker = positive(v, "batchSizePerWorker");
            return this;
        }

        /** Steps each worker takes between two averagings (1: average after every step; larger: less traffic). */
        public Builder averagingFrequency(int v) {
            averagingFrequency = positive(v, "averagingFrequency");
            return this;
        }

        public Builder epochs(int v) {
            epochs = positive(v, "epochs");
            return this;
        }

        /** Stop after this many epochs of this invocation (0: run to the end); resume later. */
        public Builder stopAfterEpochs(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("stopAfterEpochs must be >= 0, got " + v);
            }
            stopAfterEpochs = v;
            return this;
        }

        /** Seed of the driver's ND4J generator per epoch ({@code seed + epoch}) and of DL4J's repartitioning. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Resume from the newest checkpoint of the {@link Checkpoints} listener (which must be given). */
        public Builder resume(boolean v) {
            resume = v;
            return this;
        }

        /** The learning rate at an iteration, for progress reports only. */
        public Builder learningRate(IntToDoubleFunction v) {
            learningRate = Objects.requireNonNull(v);
            return this;
        }

        /**
         * Where each epoch's batches are saved for the workers (DL4J's "Export" approach, the default: every averaging
         * round then reads only its own batches' files): storage every executor reads, e.g. {@code hdfs:///tmp/eenn}.
         * Default: DL4J's, under Hadoop's {@code hadoop.tmp.dir} on the default file system. The files are deleted at
         * the end of the run. When no directory is given and the default file system is the local one on a non-local
         * master, which DL4J refuses to export to, the trainer says so and uses {@link #direct} batches instead.
         */
        public Builder exportDirectory(String v) {
            exportDirectory = Objects.requireNonNull(v, "exportDirectory");
            return this;
        }

        /**
         * Ship the batches inside the RDD instead of through files ("Direct"): no shared storage needed, but with a
         * parallelized RDD every averaging round sends whole partitions again (measured: 3 s per round instead of
         * well under one on local-cluster), so only for small data.
         */
        public Builder direct(boolean v) {
            direct = v;
            return this;
        }

        /** Listeners, called on the driver after every epoch in this order (as {@link EarlyExitTrainer}'s). */
        public Builder listeners(TrainingListener... v) {
            for (TrainingListener l : v) {
                listeners.add(Objects.requireNonNull(l, "listener"));
            }
            return this;
        }

        public Builder listeners(List<TrainingListener> v) {
            return listeners(v.toArray(new TrainingListener[0]));
        }

        public EarlyExitTrainer.Result train() {
            return new SparkEarlyExitTrainer(this).run();
        }

        private static int positive(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + v);
            }
            return v;
        }
    }

    private void start(String message) {
        for (TrainingListener l : b.listeners) {
            l.onStart(message);
        }
    }

    private EarlyExitTrainer.Result run() {
        Dl4jRuntime.init();
        long wallStart = System.nanoTime();
        int startEpoch = 0;
        List<TrainingListener.EpochSummary> history = new ArrayList<>();
        if (b.resume) {
            Checkpoints ck = b.listeners.stream().filter(l -> l instanceof Checkpoints).map(l -> (Checkpoints) l)
                    .findFirst().orElseThrow(() -> new IllegalStateException("resume needs a Checkpoints listener"));
            try {
                Checkpoints.Restored r = ck.restore(b.network, this::start);
                startEpoch = r.completedEpochs();
                history.addAll(r.history());
                start("[eenn] resuming from " + r.file() + " after epoch " + startEpoch + " (iteration "
                        + b.network.iteration() + ")");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ComputationGraph graph = b.network.graph();
        ParameterAveragingTrainingMaster.Builder tmb = new ParameterAveragingTrainingMaster.Builder(b.workers,
                b.batchSizePerWorker)
                .batchSizePerWorker(b.batchSizePerWorker)
                .averagingFrequency(b.averagingFrequency)
                .workerPrefetchNumBatches(0)
                .saveUpdater(true)
                .rngSeed(b.seed)
                .trainingHooks(new RuntimeHook());
        String fs = b.sc.hadoopConfiguration().get("fs.defaultFS", "file:///");
        boolean noSharedStorage = b.exportDirectory == null && fs.startsWith("file:") && !b.sc.isLocal();
        if (!b.direct && noSharedStorage) {
            // DL4J refuses to export to a local file system when executors may run on other hosts
            start("[eenn] Spark: the default file system is local (" + fs + "), so the batches travel inside the RDD"
                    + " (slower; set spark.hadoop.fs.defaultFS or an export directory, docs/distributed.md)");
        }
        if (b.direct || noSharedStorage) {
            tmb.rddTrainingApproach(RDDTrainingApproach.Direct);
        } else {
            tmb.rddTrainingApproach(RDDTrainingApproach.Export);
            if (b.exportDirectory != null) {
                tmb.exportDirectory(b.exportDirectory);
            }
        }
        ParameterAveragingTrainingMaster master = tmb.build();
        SparkComputationGraph spark = new SparkComputationGraph(b.sc, graph, master);
        try {
            return loop(spark, graph, startEpoch, history, wallStart);
        } finally {
            master.deleteTempFiles(b.sc);
        }
    }

    private EarlyExitTrainer.Result loop(SparkComputationGraph spark, ComputationGraph graph, int startEpoch,
                                         List<TrainingListener.EpochSummary> history, long wallStart) {
        int outputs = graph.getNumOutputArrays();
        int n = b.data.samplesPerEpoch();
        start(String.format(Locale.ROOT, "[eenn] %s%n[eenn] Spark %s (master %s): %d workers, batch %d per worker, "
                        + "averaging every %d steps; %d params, %d epochs%s", Dl4jRuntime.describe(), b.sc.version(),
                b.sc.master(), b.workers, b.batchSizePerWorker, b.averagingFrequency, graph.numParams(), b.epochs,
                n > 0 ? ", " + n + " samples per epoch" : ""));
        int lastEpoch = b.stopAfterEpochs > 0 ? Math.min(b.epochs, startEpoch + b.stopAfterEpochs) : b.epochs;
        double trainSeconds = 0;
        long trainSamples = 0;
        for (int epoch = startEpoch; epoch < lastEpoch; epoch++) {
            Nd4j.getRandom().setSeed(b.seed + epoch);
            long t0 = System.nanoTime();
            JavaRDD<MultiDataSet> batches = b.data.epoch(epoch).map(new FullLabels(outputs));
            // an accumulator would count twice when DL4J evaluates the RDD twice: count once, only when unknown
            long done = b.data.samplesPerEpoch() > 0 ? b.data.samplesPerEpoch()
                    : batches.map(m -> m.getFeatures(0).size(0)).fold(0L, Long::sum);
            if (done == 0) {
                throw new IllegalArgumentException("epoch " + (epoch + 1) + " has no training data");
            }
            int iterationBefore = graph.getIterationCount();
            spark.fitMultiDataSet(batches);
            if (spark.getNetwork() != graph) {
                throw new IllegalStateException("DL4J replaced the driver's network during fit; cannot continue");
            }
            // DL4J counts the averaged steps on the workers only; the driver's counter drives learning-rate
            // schedules of the next epoch and is what checkpoints record.
            if (graph.getIterationCount() == iterationBefore) {
                long steps = (done + (long) b.batchSizePerWorker * b.workers - 1) / ((long) b.batchSizePerWorker * b.workers);
                graph.getConfiguration().setIterationCount((int) (iterationBefore + steps));
            }
            double loss = spark.getScore();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "training diverged: loss %s at epoch %d; lower the learning rate", loss, epoch + 1));
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            trainSeconds += secs;
            trainSamples += done;
            TrainingListener.Progress p = new TrainingListener.Progress(epoch + 1, b.epochs, b.network.iteration(),
                    (int) done, (int) done, done / secs, (lastEpoch - epoch - 1) * secs, loss,
                    b.learningRate.applyAsDouble(b.network.iteration()));
            for (TrainingListener l : b.listeners) {
                l.onProgress(p);
            }
            b.network.setEpochs(epoch + 1);
            TrainingListener.EpochSummary s = new TrainingListener.EpochSummary(epoch + 1, b.epochs, loss,
                    new double[0], secs, 0, done / secs, "");
            for (TrainingListener l : b.listeners) {
                s = l.onEpochEnd(b.network, s);
            }
            history.add(s);
        }
        return new EarlyExitTrainer.Result(List.copyOf(history), lastEpoch, lastEpoch == b.epochs,
                (System.nanoTime() - wallStart) / 1e9, trainSeconds > 0 ? trainSamples / trainSeconds : 0);
    }
}
