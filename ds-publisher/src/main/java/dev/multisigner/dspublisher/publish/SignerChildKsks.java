package dev.multisigner.dspublisher.publish;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.support.signers.SignerRegistry;
import dev.multisigner.support.zones.ZoneDirectory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;

/**
 * The child's KSKs and each signer's CDS as its signers serve them: the zone's signers from the
 * zone directory, each read through its configured adapter (the same {@code
 * multisigner.signers.<id>.*} the collector uses). A signer that cannot be read is skipped as long
 * as another one answers.
 */
@Singleton
@Requires(env = "ds-publisher")
public class SignerChildKsks implements ChildKsks, SignerCds {

  private final ZoneDirectory directory;
  private final SignerRegistry registry;

  public SignerChildKsks(ZoneDirectory directory, SignerRegistry registry) {
    this.directory = directory;
    this.registry = registry;
  }

  @Override
  public List<DNSKEYRecord> served(String zone) {
    Set<DNSKEYRecord> ksks = new LinkedHashSet<>();
    // the served DNSKEY RRset alone (one query per signer where the adapter asks over DNS), not a
    // full read: at many zones the full reads were most of a DS request's time
    readEach(
        zone,
        "DNSKEY RRset",
        (id, p) ->
            p.servedDnskeys(ZoneName.of(zone)).stream()
                .filter(k -> (k.getFlags() & 1) == 1)
                .forEach(ksks::add));
    return List.copyOf(ksks);
  }

  @Override
  public Map<String, List<CDSRecord>> cdsBySigner(String zone) {
    Map<String, List<CDSRecord>> out = new TreeMap<>();
    readEach(
        zone, "CDS RRset", (id, p) -> out.put(id, List.copyOf(p.read(ZoneName.of(zone)).cds())));
    return out;
  }

  /** Asks each of the zone's signers; at least one must answer. */
  private void readEach(String zone, String what, BiConsumer<String, DnsProvider> use) {
    Set<String> signers = directory.signers(zone).orElse(Set.of());
    if (signers.isEmpty()) {
      throw new Unavailable("zone=" + zone + ": not a managed zone here (no signers known)");
    }
    List<String> problems = new ArrayList<>();
    int read = 0;
    for (String id : signers) {
      DnsProvider provider = registry.provider(id).orElse(null);
      if (provider == null) {
        problems.add("signer=" + id + " is not configured (multisigner.signers." + id + ")");
        continue;
      }
      try {
        use.accept(id, provider);
        read++;
      } catch (ProviderException e) {
        problems.add("signer=" + id + ": " + e.getMessage());
      }
    }
    if (read == 0) {
      throw new Unavailable(
          "zone=" + zone + ": cannot read the child's " + what + " at any signer: " + problems);
    }
  }
}
