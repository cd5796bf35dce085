package org.eennrc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eennrc.risk.Guarantee;
import org.eennrc.risk.inject.ControllerRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eenn controllers}: the registered controller names with the guarantee each gives. */
@Command(name = "controllers",
        header = "List the registered controllers and their guarantees.",
        mixinStandardHelpOptions = true,
        description = {"List the registered risk controllers and the guarantee each gives:",
            "  none (the naive baseline), E[R] <= eps (CRC), P(R <= eps) >= 1 - delta (UCB, LTT)."})
public final class ControllersCommand implements Callable<Integer> {

    @Option(names = "--json", description = "One JSON object per controller (name, guarantee, guarantee_statement).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ControllerRegistry registry = ControllerRegistry.create();
        PrintWriter out = spec.commandLine().getOut();
        int width = registry.names().stream().mapToInt(String::length).max().orElse(4);
        for (String name : registry.names()) {
            Guarantee g = registry.get(name).guarantee();
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
        out.flush();
        return EennCli.EXIT_OK;
    }
}
