package dev.multisigner.dspublisher;

import dev.multisigner.dspublisher.parent.Parents;
import dev.multisigner.support.CapabilityReport;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the ds-publisher can do today. */
@Singleton
@Requires(env = "ds-publisher")
public class DsPublisherCapabilities implements CapabilityReport {

  private final Parents parents;

  public DsPublisherCapabilities(Parents parents) {
    this.parents = parents;
  }

  @Override
  public Map<String, String> capabilities() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("parent-dns-update", parents.size() > 0 ? BUILT : "built, but no parent is configured");
    c.put("parent-ds-verification", BUILT + " (DS RRSIG validated when a trust anchor is set)");
    c.put(
        "parent-ns-update",
        BUILT
            + " (delegation NS by DNS UPDATE, verified at every verify server; names inside the"
            + " zone are refused: no glue)");
    c.put(
        "csync-scan",
        BUILT
            + " (an NS change for a CSYNC-scanning parent writes nothing; the parent watcher reports"
            + " the parent's NS)");
    c.put(
        "cds-consistency-check",
        CapabilityReport.notBuiltYet("CDS/CDNSKEY at every signer is not checked yet"));
    c.put("registrar-api", CapabilityReport.notBuiltYet("no registrar API channel yet"));
    c.put(
        "notify-cds",
        BUILT
            + " (a parent with notify-cds is sent NOTIFY(CDS) at its DSYNC target, RFC 9859, once"
            + " every signer serves the requested CDS set)");
    return c;
  }
}
