package org.eennrc.models;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Per-stage graphs for progressive early exit, with parameters copied by layer name from a trained full graph. */
public final class StageGraphs {
    private StageGraphs() {
    }

    /**
     * Copies the parameters (batch-norm running mean and variance included, they are parameters in DL4J) of every
     * layer of {@code target} from the layer of the same name in {@code source}.
     */
    public static void copyParamsByName(ComputationGraph source, ComputationGraph target) {
        for (Layer l : target.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            Layer src = source.getLayer(name);
            if (src == null) {
                throw new IllegalArgumentException("layer " + name + " not in the source graph");
            }
            if (l.numParams() != src.numParams()) {
                throw new IllegalArgumentException("layer " + name + ": " + l.numParams() + " vs " + src.numParams() + " params");
            }
            if (l.numParams() > 0) {
                l.setParams(src.params().dup());
            }
        }
    }

    /**
     * Fills a graph built in the folded inference form ({@code foldedBatchNorm = true}) from a trained graph: each
     * convolution absorbs its batch norm, whose inference-time per-channel affine map {@code y = a x + b} is read
     * off the trained layer by evaluating it on 0 and 1 (so it does not depend on how DL4J stores the statistics):
     * {@code W' = a W} (per output channel), {@code bias = b}. All other layers are copied by name.
     */
    public static void copyParamsFolded(ComputationGraph trained, ComputationGraph folded) {
        for (Layer l : folded.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            String bnName = MultiExitResNet.batchNormOf(name);
            if (bnName == null || !(l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer)) {
                Layer src = trained.getLayer(name);
                if (src == null || src.numParams() != l.numParams()) {
                    throw new IllegalArgumentException("layer " + name + " does not match the trained graph");
                }
                if (l.numParams() > 0) {
                    l.setParams(src.params().dup());
                }
                continue;
            }
            Layer conv = trained.getLayer(name);
            Layer bn = trained.getLayer(bnName);
            INDArray w = conv.getParam("W");
            long out = w.size(0);
            INDArray probe = Nd4j.zeros(w.dataType(), 2, out, 1, 1);
            probe.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).assign(1.0);
            INDArray y = bn.activate(probe, false, LayerWorkspaceMgr.noWorkspaces()).reshape(2, out);
            INDArray b = y.getRow(0).dup();
            INDArray a = y.getRow(1).sub(b);
            INDArray wf = w.mul(a.reshape(out, 1, 1, 1));
            l.setParam("W", wf);
            l.setParam("b", b.reshape(l.getParam("b").shape()));
        }
    }

    /** One graph per stage (stage s: outputs {@code [trunk{s}, out{s}]}, the last stage {@code [out{L}]}). */
    public static List<ComputationGraph> split(MultiExitResNetConfig c, ComputationGraph full) {
        return split(c, full, false);
    }

    /** As {@link #split(MultiExitResNetConfig, ComputationGraph)}, optionally with batch norm folded. */
    public static List<ComputationGraph> split(MultiExitResNetConfig c, ComputationGraph full, boolean fold) {
        List<ComputationGraph> out = new ArrayList<>();
        for (int s = 0; s < c.numStages(); s++) {
            ComputationGraph g = MultiExitResNet.buildStages(c, s, s + 1, fold);
            copy(full, g, fold);
            out.add(g);
        }
        return out;
    }

    /** The full multi-exit graph in inference form (all exits), batch norm folded or not. */
    public static ComputationGraph inferenceGraph(MultiExitResNetConfig c, ComputationGraph full, boolean fold) {
        if (!fold) {
            return full;
        }
        ComputationGraph g = MultiExitResNet.buildStages(c, 0, c.numStages(), true);
        copyParamsFolded(full, g);
        return g;
    }

    static void copy(ComputationGraph trained, ComputationGraph target, boolean fold) {
        if (fold) {
            copyParamsFolded(trained, target);
        } else {
            copyParamsByName(trained, target);
        }
    }
}
