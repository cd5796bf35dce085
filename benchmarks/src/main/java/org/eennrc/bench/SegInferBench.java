package org.eennrc.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eennrc.core.Calibrator;
import org.eennrc.core.ExitOutputs;
import org.eennrc.core.ExitResult;
import org.eennrc.core.dense.DenseConfidence;
import org.eennrc.core.dense.DenseConfidences;
import org.eennrc.core.dense.DenseOutputsBuilder;
import org.eennrc.core.dense.DenseRisk;
import org.eennrc.models.ComputationGraphModel;
import org.eennrc.models.Dl4jRuntime;
import org.eennrc.models.EarlyExitPredictor;
import org.eennrc.models.ExitStage;
import org.eennrc.models.data.FashionMnist;
import org.eennrc.models.data.FashionScenes;
import org.eennrc.models.internal.BatchIterator;
import org.eennrc.models.seg.SegConfidence;
import org.eennrc.models.seg.SegTrainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Real early exit of the trained segmentation network against its plain full model, in the same run (issue 13's
 * benchmark): {@code --scenes} (2,000) scenes of the test split's items are streamed once through every exit into a
 * confidence table and the miscoverage loss table ({@link DenseOutputsBuilder}); CRC at {@code --epsilon} (0.05) on the
 * first half picks λ̂; on the second half, the full model ({@link EarlyExitPredictor#fullModel(MultiDataSetIterator,
 * EarlyExitPredictor.AnswerSink)}) and real early exit at λ̂ are timed alternately ({@code --repeats} times each, after
 * a warm-up of both), and the wall-clock speedup is compared with the one the multiply-add counts predict. Real early
 * exit must send every image to the exit the simulated rule picks from the tables; the run says whether it did.
 * A second line gives each stage's wall time on one batch without and with its exit head, next to its multiply-adds.
 * The network runs in its inference form ({@code MultiExitSegNet.inferenceModel}: softmax before the upsampling);
 * {@code --training-form} runs the graph as trained (softmax at full resolution) instead.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java $JOPTS -cp $CP org.eennrc.bench.SegInferBench --model DIR
 *   [--scenes 2000] [--seed 3] [--batch 100] [--epsilon 0.05] [--confidence top1:mean] [--repeats 3]
 *   [--training-form]
 * </pre>
 */
public final class SegInferBench {
    private static final Set<String> OPTIONS = Set.of("model", "data-dir", "scenes", "seed", "batch", "epsilon",
            "confidence", "repeats", "training-form");

    private SegInferBench() {
    }

    public static void main(String[] argv) throws Exception {
        Dl4jRuntime.configureProcess();
        Args a = new Args(argv, OPTIONS);
        Dl4jRuntime.init();
        SegTrainer.Trained trained = SegTrainer.load(Path.of(a.get("model", "runs/scenes")));
        ComputationGraphModel model = a.flag("training-form") ? trained.model() : trained.inferenceModel();
        FashionMnist fm = FashionMnist.load(a.has("data-dir") ? Path.of(a.get("data-dir", "")) : null,
                trained.training().validationSize(), trained.training().splitSeed());
        int n = a.getInt("scenes", 2000);
        int batch = a.getInt("batch", 100);
        double epsilon = a.getDouble("epsilon", 0.05);
        FashionScenes scenes = FashionScenes.test(fm, n, a.getInt("seed", 3));
        DenseConfidence confidence = DenseConfidences.parse(a.get("confidence", "top1:mean"));
        int L = model.numExits();
        int C = FashionScenes.NUM_CLASSES;
        int hw = FashionScenes.SIZE * FashionScenes.SIZE;

        long s0 = System.nanoTime();
        DenseOutputsBuilder dense = DenseOutputsBuilder.builder(L, C, FashionScenes.SIZE, FashionScenes.SIZE)
                .confidence(confidence).risks(DenseRisk.MISCOVERAGE).build();
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            INDArray[] outs = model.exitOutputs(scenes.features(from, to));
            float[][] flat = new float[L][];
            for (int e = 0; e < L; e++) {
                flat[e] = outs[e].dup('c').data().asFloat();
            }
            int[] truth = scenes.labels(from, to);
            for (int j = 0; j < to - from; j++) {
                float[][] probs = new float[L][];
                for (int e = 0; e < L; e++) {
                    probs[e] = Arrays.copyOfRange(flat[e], j * C * hw, (j + 1) * C * hw);
                }
                dense.add(probs, Arrays.copyOfRange(truth, j * hw, (j + 1) * hw));
            }
        }
        ExitOutputs all = dense.build(model.cumulativeCost());
        double streamSecs = (System.nanoTime() - s0) / 1e9;
        int half = n / 2;
        int[] calIdx = new int[half];
        int[] testIdx = new int[n - half];
        for (int i = 0; i < n; i++) {
            if (i < half) {
                calIdx[i] = i;
            } else {
                testIdx[i - half] = i;
            }
        }
        Calibrator.Result cal = Calibrator.builder().risk(DenseRisk.MISCOVERAGE.riskName()).controller("crc")
                .confidence("provided").epsilon(epsilon).build().calibrate(all.subset(calIdx));
        double lambda = cal.policy().lambda();
        ExitOutputs test = all.subset(testIdx);
        int[] simulatedExits = cal.policy().exits(test); // the simulated exit on the streamed confidence table
        ExitResult simulated = new ExitResult(new int[simulatedExits.length], simulatedExits, L, 0);
        double[] cost = model.cumulativeCost();
        double predicted = model.fullModelCost() / simulated.meanCost(cost);
        double testMiscoverage = 0;
        for (int i = 0; i < test.numSamples(); i++) {
            testMiscoverage += test.lossTable(DenseRisk.MISCOVERAGE.riskName()).loss(i, simulatedExits[i]);
        }
        testMiscoverage /= test.numSamples();

        INDArray x = scenes.features(half, n); // made once: the timing covers the network, not scene generation
        EarlyExitPredictor predictor = model.predictor();
        EarlyExitPredictor.ExampleConfidence perImage = SegConfidence.perExample(confidence);
        predictor.fullModel(iterator(x, batch), null); // warm-up of both paths and every batch shape
        predictor.predict(iterator(x, batch), lambda, perImage, null);
        int repeats = a.getInt("repeats", 3);
        double[] full = new double[repeats];
        double[] early = new double[repeats];
        ExitResult real = null;
        for (int r = 0; r < repeats; r++) {
            full[r] = predictor.fullModel(iterator(x, batch), null).seconds();
            real = predictor.predict(iterator(x, batch), lambda, perImage, null);
            early[r] = real.seconds();
        }
        Arrays.sort(full);
        Arrays.sort(early);
        double fullMed = full[repeats / 2];
        double earlyMed = early[repeats / 2];
        boolean same = Arrays.equals(real.exits(), simulated.exits());
        String shares = stageTimes(predictor, x.get(NDArrayIndex.interval(0, Math.min(batch, (int) x.size(0))))
                .dup('c'), repeats);
        System.out.printf(Locale.ROOT, "[bench] RESULT scenes=%d test=%d batch=%d epsilon=%s lambda=%.2f "
                        + "exit_histogram=%s test_miscoverage=%.4f full_s=%.2f (%.1f img/s) early_exit_s=%.2f (%.1f img/s) "
                        + "speedup=%.2f predicted_by_macs=%.2f ratio=%.2f same_exits_as_simulated=%s stream_s=%.1f "
                        + "peak_rss_mib=%.0f full_runs=%s early_runs=%s%n", n, testIdx.length, batch, epsilon,
                lambda, Arrays.toString(real.exitHistogram()), testMiscoverage, fullMed, testIdx.length / fullMed,
                earlyMed, testIdx.length / earlyMed, fullMed / earlyMed, predicted, (fullMed / earlyMed) / predicted,
                same, streamSecs, Rss.peakMiB(), Arrays.toString(full), Arrays.toString(early));
        System.out.println("[bench] RESULT stage times for one batch (median of " + repeats + "): " + shares);
    }

    /**
     * Wall time of each stage of real early exit on one batch, without its exit head (what the full model runs, but
     * for the last stage) and with it, next to the multiply-adds of trunk and head: where the time goes.
     */
    private static String stageTimes(EarlyExitPredictor predictor, INDArray x, int repeats) {
        List<ExitStage> stages = predictor.model().stages();
        double[][] trunk = new double[stages.size()][repeats];
        double[][] both = new double[stages.size()][repeats];
        for (int r = 0; r < repeats + 1; r++) {
            Map<String, INDArray> state = new HashMap<>();
            state.put(predictor.model().stages().get(0).inputs().get(0), x);
            for (int s = 0; s < stages.size(); s++) {
                ExitStage st = stages.get(s);
                boolean last = s == stages.size() - 1;
                Map<String, INDArray> in = new HashMap<>();
                for (String name : st.inputs()) {
                    in.put(name, state.get(name));
                }
                long t0 = System.nanoTime();
                ExitStage.Output o = st.run(in, !last, last);
                long t1 = System.nanoTime();
                st.run(in, !last, true);
                long t2 = System.nanoTime();
                state.putAll(o.state());
                if (r > 0) { // the first pass warms up
                    trunk[s][r - 1] = (t1 - t0) / 1e6;
                    both[s][r - 1] = (t2 - t1) / 1e6;
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < stages.size(); s++) {
            Arrays.sort(trunk[s]);
            Arrays.sort(both[s]);
            ExitStage st = stages.get(s);
            sb.append(String.format(Locale.ROOT, "%sstage %d: %s %.0f ms, with head %.0f ms (MACs/image trunk %.2f M,"
                            + " head %.2f M)", s == 0 ? "" : "; ", s + 1, s == stages.size() - 1 ? "all" : "trunk",
                    trunk[s][repeats / 2], both[s][repeats / 2], st.trunkCost() / 1e6, st.headCost() / 1e6));
        }
        return sb.toString();
    }

    private static MultiDataSetIterator iterator(INDArray x, int batch) {
        return new BatchIterator((int) x.size(0), batch, (from, to) ->
                new MultiDataSet(x.get(NDArrayIndex.interval(from, to)).dup('c'), null));
    }
}
