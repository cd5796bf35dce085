package org.eennrc.experiments.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A section a data source adds to the report: markdown (which may link the files by name) and the files it shows,
 * such as a picture grid of segmentation outputs. The report writer puts the files into the report folder and the
 * markdown before the results.
 *
 * @param title    the section's heading
 * @param markdown its body
 * @param files    file name → content (PNG, CSV...), written into the report folder
 */
public record ReportSection(String title, String markdown, Map<String, byte[]> files) {
    public ReportSection {
        files = new LinkedHashMap<>(files);
        for (String name : files.keySet()) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException("report file name must be a plain file name, got '" + name + "'");
            }
        }
    }
}
