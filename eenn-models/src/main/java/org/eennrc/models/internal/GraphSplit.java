package org.eennrc.models.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Internal: derives the stages of progressive early exit from a DL4J graph whose exits are named vertices.
 *
 * <p>Vertex v belongs to stage s when exit s is the first exit that needs it (v is exit s or one of its ancestors,
 * and no earlier exit needs it). A stage reads the network inputs and earlier stages' vertices that its vertices
 * consume, and produces those of its vertices that a later stage consumes. Within a stage, the head is what only
 * the exit needs (no produced array depends on it); the rest is the trunk. Each stage becomes a small graph with
 * the same layer names, whose parameters are copied from the trained graph ({@link #stageGraph}).
 */
public final class GraphSplit {

    /** One stage: its vertices, what it reads and produces, its exit, and its costs. */
    public record Stage(List<String> vertices, List<String> inputs, List<String> produces, String exit,
                        double trunkCost, double headCost) {
    }

    private final ComputationGraphConfiguration conf;
    private final List<Stage> stages;
    private final List<String> uncounted;

    private GraphSplit(ComputationGraphConfiguration conf, List<Stage> stages, List<String> uncounted) {
        this.conf = conf;
        this.stages = stages;
        this.uncounted = uncounted;
    }

    public List<Stage> stages() {
        return stages;
    }

    /** Layers with parameters whose multiply-adds are not counted (an unknown layer type). */
    public List<String> uncounted() {
        return uncounted;
    }

    /**
     * Splits a graph at its exits.
     *
     * @param exits the exit vertices, exit 1 first (each must be a vertex of the graph)
     * @param inputTypes one per network input, to derive activation shapes for the cost
     */
    public static GraphSplit of(ComputationGraphConfiguration conf, List<String> exits, InputType... inputTypes) {
        Map<String, GraphVertex> vertices = conf.getVertices();
        Map<String, List<String>> inputsOf = conf.getVertexInputs();
        Set<String> networkInputs = new HashSet<>(conf.getNetworkInputs());
        if (exits.isEmpty()) {
            throw new IllegalArgumentException("the graph has no exits");
        }
        Map<String, Integer> stageOf = new HashMap<>();
        for (int s = 0; s < exits.size(); s++) {
            String e = exits.get(s);
            if (!vertices.containsKey(e)) {
                throw new IllegalArgumentException("exit '" + e + "' is not a vertex of the graph");
            }
            Deque<String> todo = new ArrayDeque<>(List.of(e));
            while (!todo.isEmpty()) {
                String v = todo.pop();
                if (networkInputs.contains(v) || stageOf.containsKey(v)) {
                    continue;
                }
                stageOf.put(v, s);
                todo.addAll(inputsOf.getOrDefault(v, List.of()));
            }
            if (s > 0 && stageOf.get(e) != s) {
                throw new IllegalArgumentException("exit '" + e + "' is needed by an earlier exit; exits must be "
                        + "given in order of depth");
            }
        }
        for (int s = 0; s < exits.size(); s++) {
            for (int t = s + 1; t < exits.size(); t++) {
                if (ancestors(exits.get(t), inputsOf, networkInputs).contains(exits.get(s))) {
                    throw new IllegalArgumentException("exit '" + exits.get(t) + "' consumes exit '" + exits.get(s)
                            + "'; an exit's output cannot feed later layers");
                }
            }
        }
        Map<String, InputType> types = MacCount.activationTypes(conf, inputTypes);
        List<String> uncounted = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        for (int s = 0; s < exits.size(); s++) {
            List<String> mine = new ArrayList<>();
            for (String v : topological(conf)) {
                if (stageOf.getOrDefault(v, -1) == s) {
                    mine.add(v);
                }
            }
            Set<String> reads = new LinkedHashSet<>();
            for (String v : mine) {
                for (String u : inputsOf.getOrDefault(v, List.of())) {
                    if (networkInputs.contains(u) || stageOf.get(u) < s) {
                        reads.add(u);
                    }
                }
            }
            Set<String> produces = new LinkedHashSet<>();
            for (Map.Entry<String, List<String>> e : inputsOf.entrySet()) {
                Integer consumer = stageOf.get(e.getKey());
                if (consumer == null || consumer <= s) {
                    continue;
                }
                for (String u : e.getValue()) {
                    if (stageOf.getOrDefault(u, -1) == s) {
                        produces.add(u);
                    }
                }
            }
            Set<String> trunk = new HashSet<>();
            for (String p : produces) {
                trunk.add(p);
                trunk.addAll(ancestors(p, inputsOf, networkInputs));
            }
            double trunkCost = 0;
            double headCost = 0;
            for (String v : mine) {
                double c = MacCount.of(conf, v, types);
                if (trunk.contains(v)) {
                    trunkCost += c;
                } else {
                    headCost += c;
                }
                if (!MacCount.isCounted(conf, v)) {
                    uncounted.add(v);
                }
            }
            stages.add(new Stage(List.copyOf(mine), List.copyOf(reads), List.copyOf(produces), exits.get(s),
                    trunkCost, headCost));
        }
        return new GraphSplit(conf, List.copyOf(stages), List.copyOf(uncounted));
    }

    /** A graph with the vertices of stage s only, reading its inputs and giving its produced arrays, then its exit. */
    public ComputationGraph stageGraph(int s, ComputationGraph trained) {
        Stage st = stages.get(s);
        ComputationGraphConfiguration sub = conf.clone();
        sub.setTopologicalOrder(null);
        sub.setTopologicalOrderStr(null);
        Map<String, GraphVertex> v = new LinkedHashMap<>();
        Map<String, List<String>> in = new LinkedHashMap<>();
        for (String name : st.vertices()) {
            v.put(name, conf.getVertices().get(name).clone());
            in.put(name, new ArrayList<>(conf.getVertexInputs().get(name)));
        }
        sub.setVertices(v);
        sub.setVertexInputs(in);
        sub.setNetworkInputs(new ArrayList<>(st.inputs()));
        List<String> outs = new ArrayList<>(st.produces());
        outs.add(st.exit());
        sub.setNetworkOutputs(outs);
        if (outputReadsAnInput(sub)) {
            // DL4J 1.0.0-M2.1 fails in ComputationGraph.output (a NullPointerException on a null LayerWorkspaceMgr)
            // when an output of the graph is computed directly from a network input and feeds further vertices, as
            // when a stage's first convolution (e.g. a folded conv + batch norm + ReLU) is an array it hands on.
            // Without workspaces the same graph runs.
            sub.setInferenceWorkspaceMode(WorkspaceMode.NONE);
        }
        ComputationGraph g = new ComputationGraph(sub);
        g.init();
        copyParamsByName(trained, g);
        return g;
    }

    /**
     * Copies the parameters (batch-norm running mean and variance included: they are parameters in DL4J) of every
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

    /** Whether some network output of {@code conf} takes a network input as one of its inputs. */
    private static boolean outputReadsAnInput(ComputationGraphConfiguration conf) {
        for (String o : conf.getNetworkOutputs()) {
            for (String u : conf.getVertexInputs().getOrDefault(o, List.of())) {
                if (conf.getNetworkInputs().contains(u)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Set<String> ancestors(String v, Map<String, List<String>> inputsOf, Set<String> networkInputs) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(inputsOf.getOrDefault(v, List.of()));
        while (!todo.isEmpty()) {
            String u = todo.pop();
            if (networkInputs.contains(u) || !seen.add(u)) {
                continue;
            }
            todo.addAll(inputsOf.getOrDefault(u, List.of()));
        }
        return seen;
    }

    /** The vertices in an order where every vertex comes after its inputs (deterministic). */
    private static List<String> topological(ComputationGraphConfiguration conf) {
        Map<String, List<String>> inputsOf = conf.getVertexInputs();
        Set<String> done = new HashSet<>(conf.getNetworkInputs());
        List<String> order = new ArrayList<>();
        for (String v : conf.getVertices().keySet()) {
            visit(v, inputsOf, done, order);
        }
        return order;
    }

    private static void visit(String v, Map<String, List<String>> inputsOf, Set<String> done, List<String> order) {
        if (done.contains(v)) {
            return;
        }
        done.add(v);
        for (String u : inputsOf.getOrDefault(v, List.of())) {
            visit(u, inputsOf, done, order);
        }
        order.add(v);
    }
}
