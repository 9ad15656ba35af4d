package dev.multisigner.providers;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.Support;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Renders the adapters' declared capabilities and limits as one Markdown table (the docs' feature
 * matrix, dnscontrol style). The same data drives enrollment checks and which contract cases run.
 */
public final class CapabilityTable {

  /** One adapter's column. */
  public record Column(
      String adapter, Capabilities capabilities, ProviderLimits limits, Support ownKeyListing) {
    public Column {
      Objects.requireNonNull(adapter, "adapter");
      Objects.requireNonNull(capabilities, "capabilities");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(ownKeyListing, "ownKeyListing");
    }
  }

  private CapabilityTable() {}

  /** The table: one row per capability and per limit, one column per adapter. */
  public static String markdown(List<Column> columns) {
    StringBuilder md = new StringBuilder();
    md.append("| capability |");
    columns.forEach(c -> md.append(' ').append(c.adapter()).append(" |"));
    md.append("\n|---|");
    columns.forEach(c -> md.append("---|"));
    md.append('\n');
    for (Capability cap : Capability.values()) {
      md.append("| `").append(cap).append("` |");
      columns.forEach(c -> md.append(' ').append(cell(c.capabilities().support(cap))).append(" |"));
      md.append('\n');
    }
    row(md, "lists its own keys", columns, c -> cell(c.ownKeyListing()));
    row(
        md,
        "rate limit",
        columns,
        c -> c.limits().rateLimit().map(Object::toString).orElse("none"));
    row(md, "write granularity", columns, c -> c.limits().granularity().description());
    row(
        md,
        "concurrent change detected",
        columns,
        c ->
            c.limits().atomicConditionalWrite()
                ? "by the provider (conditional write)"
                : "by a re-read just before writing");
    row(md, "suggested timeout", columns, c -> c.limits().suggestedTimeout().toSeconds() + " s");
    return md.toString();
  }

  private static void row(
      StringBuilder md, String name, List<Column> columns, Function<Column, String> value) {
    md.append("| ").append(name).append(" |");
    columns.forEach(c -> md.append(' ').append(value.apply(c)).append(" |"));
    md.append('\n');
  }

  private static String cell(Support s) {
    if (s.available()) {
      return "yes";
    }
    String label = s instanceof Support.NotYet ? "not yet" : "no";
    return label + ": " + s.reason().replace("|", "\\|");
  }
}
