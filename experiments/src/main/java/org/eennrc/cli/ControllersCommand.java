package org.eennrc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eennrc.core.Registry;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.provenance.FileDigest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eenn controllers}: the registered controller names with the guarantee each gives, built-in and from
 * plug-ins, then the plug-in modules and jars (with SHA-256) that are in use.
 */
@Command(name = "controllers",
        header = "List the registered controllers and their guarantees.",
        mixinStandardHelpOptions = true,
        description = {"List the registered risk controllers (built-in and from plug-ins) and the guarantee each gives:",
            "  none (the naive baseline), E[R] <= eps (CRC), P(R <= eps) >= 1 - delta (UCB, LTT, and the per-exit",
            "  pareto-ltt controllers, which choose one threshold per exit with --per-exit).",
            "Then the confidence measures and risks, and each plug-in module and jar with its SHA-256."})
public final class ControllersCommand implements Callable<Integer> {

    @Option(names = "--json", description = "One JSON object per controller (name, guarantee, guarantee_statement, and per_exit: true "
            + "for the per-exit ones), "
            + "then one per plug-in module (plugin_module) and per plug-in jar (plugin_jar, bytes, sha256).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Registry registry = Registry.current();
        PrintWriter out = spec.commandLine().getOut();
        int width = java.util.stream.Stream.concat(registry.controllerNames().stream(),
                registry.controllers().perExitNames().stream()).mapToInt(String::length).max().orElse(4);
        for (String name : registry.controllerNames()) {
            Guarantee g = registry.controller(name).guarantee();
            if (json) {
                ObjectNode o = Json.object();
                o.put("name", name);
                o.put("guarantee", g.name().toLowerCase(Locale.ROOT));
                o.put("guarantee_statement", g.description());
                out.println(Json.line(o));
            } else {
                out.println(String.format(Locale.ROOT, "%-" + width + "s  %s", name, g.description()));
            }
        }
        for (String name : registry.controllers().perExitNames()) {
            Guarantee g = registry.controllers().perExit(name, 0.5, 0).guarantee();
            if (json) {
                ObjectNode o = Json.object();
                o.put("name", name);
                o.put("guarantee", g.name().toLowerCase(Locale.ROOT));
                o.put("guarantee_statement", g.description());
                o.put("per_exit", true);
                out.println(Json.line(o));
            } else {
                out.println(String.format(Locale.ROOT, "%-" + width + "s  %s  (one threshold per exit: --per-exit)",
                        name, g.description()));
            }
        }
        if (!json) {
            out.println();
            out.println("confidence measures: " + String.join(", ", registry.confidenceNames()));
            out.println("risks: " + String.join(", ", registry.riskNames()));
        }
        for (String module : registry.plugins().moduleNames()) {
            if (json) {
                ObjectNode o = Json.object();
                o.put("plugin_module", module);
                out.println(Json.line(o));
            } else {
                out.println("plug-in module: " + module);
            }
        }
        for (FileDigest jar : registry.plugins().jars()) {
            if (json) {
                ObjectNode o = Json.object();
                o.put("plugin_jar", jar.path());
                o.put("bytes", jar.bytes());
                o.put("sha256", jar.sha256());
                out.println(Json.line(o));
            } else {
                out.println("plug-in jar: " + jar.path() + " (sha256 " + jar.sha256() + ")");
            }
        }
        out.flush();
        return EennCli.EXIT_OK;
    }
}
