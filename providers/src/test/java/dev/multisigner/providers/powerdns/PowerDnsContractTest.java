package dev.multisigner.providers.powerdns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.TestKeys;
import dev.multisigner.providers.contract.DnsProviderContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The contract against a real PowerDNS 4.7 from the lab, through its HTTP API. */
class PowerDnsContractTest extends DnsProviderContract {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final String WRONG_KEY = "wrong-pdns-api-key-for-the-contract";

  private DnsLab lab;
  private PdnsSigner pdns;

  @Override
  protected void start() {
    lab = DnsLab.builder().zone(ZONE.value()).pdnsSigner("pdns-b").start();
    pdns = lab.pdns("pdns-b");
  }

  @Override
  protected void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  private DnsProvider adapter(String apiKey) {
    return new PowerDnsAdapter(
        SignerId.of(pdns.id()),
        pdns.apiUrl(),
        pdns.serverId(),
        Secret.of(apiKey),
        pdns.dnsAddress(),
        PowerDnsCapabilities.limits().suggestedTimeout());
  }

  @Override
  protected DnsProvider provider() {
    return adapter(pdns.apiKey());
  }

  @Override
  protected DnsProvider providerWithWrongCredentials() {
    return adapter(WRONG_KEY);
  }

  @Override
  protected ZoneName zone() {
    return ZONE;
  }

  @Override
  protected List<String> secrets() {
    return List.of(pdns.apiKey(), WRONG_KEY);
  }

  /**
   * A write reads only the apex RRsets it checks and merges, not a large zone's every record: the
   * zone holds a record below the apex, which PowerDNS serves, and the write's read does not list
   * it; the write leaves it in place.
   */
  @Test
  void aWriteReadsOnlyTheApexRrsetsAndLeavesTheRestOfTheZone() throws Exception {
    PowerDnsClient client =
        new PowerDnsClient(
            SignerId.of(pdns.id()),
            pdns.apiUrl(),
            pdns.serverId(),
            Secret.of(pdns.apiKey()),
            Duration.ofSeconds(10));
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode www = body.putArray("rrsets").addObject();
    www.put("name", "www." + ZONE.value()).put("type", "A").put("ttl", 300);
    www.put("changetype", "REPLACE");
    www.putArray("records").addObject().put("content", "192.0.2.80").put("disabled", false);
    client.patchRrsets(ZONE, body);
    assertThat(wwwServed()).as("PowerDNS serves the record below the apex").isTrue();

    JsonNode apex = client.apexRrsets(ZONE);
    List<String> names = new java.util.ArrayList<>();
    apex.path("rrsets").forEach(r -> names.add(r.path("name").asText()));
    assertThat(names).as("the write's read").isNotEmpty().containsOnly(ZONE.value());

    DnsProvider adapter = provider();
    DNSKEYRecord foreign = TestKeys.zsk(ZONE.toName());
    adapter.importDnskeys(ZONE, List.of(foreign));
    assertThat(adapter.read(ZONE).dnskeys()).contains(foreign);
    assertThat(wwwServed()).as("the write left the rest of the zone").isTrue();
    adapter.withdrawDnskeys(ZONE, List.of(foreign));
  }

  private boolean wwwServed() throws Exception {
    SimpleResolver r = new SimpleResolver(pdns.dnsAddress());
    r.setTimeout(Duration.ofSeconds(5));
    Message answer =
        r.send(
            Message.newQuery(
                Record.newRecord(Name.fromString("www." + ZONE.value()), Type.A, DClass.IN)));
    return answer.getSection(Section.ANSWER).stream()
        .anyMatch(rec -> rec.rdataToString().equals("192.0.2.80"));
  }
}
