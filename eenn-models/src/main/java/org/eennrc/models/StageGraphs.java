package org.eennrc.models;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

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

    /** One graph per stage (stage s: outputs {@code [trunk{s}, out{s}]}, the last stage {@code [out{L}]}). */
    public static List<ComputationGraph> split(MultiExitResNetConfig c, ComputationGraph full) {
        List<ComputationGraph> out = new ArrayList<>();
        for (int s = 0; s < c.numStages(); s++) {
            ComputationGraph g = MultiExitResNet.buildStages(c, s, s + 1);
            copyParamsByName(full, g);
            out.add(g);
        }
        return out;
    }
}
