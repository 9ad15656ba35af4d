package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import dev.multisigner.schemas.avro.ZoneEvent;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;

/**
 * Issue 12 item 7: a DNSKEY written into PowerDNS's records table through its API, which its
 * cryptokeys do not list, is served by PowerDNS but is nobody's key. The zone halts with
 * UNACCOUNTABLE_KEY naming zone, signer and key tag; Knot never serves it and the parent never gets
 * its DS; Unbound, probing across providers throughout, sees no bogus answer. Once the key is gone
 * from PowerDNS and the operator resumes, the zone is active and converged again.
 */
class PlantedKeyE2eTest {

  @TempDir Path dir;

  @Test
  void aKeyPlantedInPowerDnsHaltsTheZoneIsImportedNowhereAndTheZoneResumesOnceItIsGone()
      throws Exception {
    try (E2eWorld w = E2eWorld.start(dir, false)) {
      PdnsSigner p = w.lab.pdns(E2eWorld.PDNS);
      KnotSigner knot = w.lab.knot(E2eWorld.KNOT);
      w.enroll();
      assertThat(await(Duration.ofMinutes(2), w::converged)).as(w.check().render()).isTrue();
      Set<Integer> parentDs = w.parentDsTags();

      // The records endpoint, as someone with PowerDNS's API key would use it by hand.
      DnsProvider records =
          new PowerDnsAdapter(
              SignerId.of(p.id()),
              p.apiUrl(),
              p.serverId(),
              Secret.of(p.apiKey()),
              p.dnsAddress(),
              Duration.ofSeconds(3));
      DNSKEYRecord planted = planted();
      int tag = planted.getFootprint();
      ZoneName zone = ZoneName.of(E2eWorld.ZONE);
      long plantedAt = System.nanoTime();
      records.importDnskeys(zone, List.of(planted));
      assertThat(await(Duration.ofSeconds(10), () -> w.dnskeys(p).contains(tag)))
          .as("PowerDNS serves the planted key")
          .isTrue();

      AtomicReference<JsonNode> view = new AtomicReference<>();
      boolean halted =
          await(
              Duration.ofSeconds(60),
              () -> {
                view.set(w.zoneView());
                return view.get().path("halted").asBoolean();
              });
      double haltSeconds = E2eWorld.secondsSince(plantedAt);
      assertThat(halted).as("halted within 60 s\n%s", view.get()).isTrue();
      assertThat(view.get().path("haltCause").asText()).isEqualTo("UNACCOUNTABLE_KEY");
      assertThat(view.get().path("haltReason").asText())
          .contains("signer " + E2eWorld.PDNS, "DNSKEY " + tag, "zone " + E2eWorld.ZONE);
      List<ZoneEvent> audit = w.audit();
      assertThat(audit)
          .filteredOn(e -> e.getType().equals("ZoneHalted"))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getSummary())
                      .contains("zone=" + E2eWorld.ZONE, E2eWorld.PDNS, "DNSKEY " + tag));

      // Halted zones still import keys: this one must not be among them, now or a while later.
      for (int i = 0; i < 10; i++) {
        assertThat(w.dnskeys(knot)).as("Knot serves the planted key").doesNotContain(tag);
        Thread.sleep(1000);
      }
      assertThat(w.parentDsTags()).isEqualTo(parentDs);
      assertThat(w.audit())
          .filteredOn(e -> e.getType().equals("KeyImportRequested"))
          .noneMatch(e -> e.getSummary().matches("(?s).*\\b" + tag + "\\b.*"));
      assertThat(w.zoneView().path("keys").findValuesAsText("tag"))
          .doesNotContain(Integer.toString(tag));
      assertThat(servedTags(w.zoneView(), E2eWorld.PDNS)).as("observed at PowerDNS").contains(tag);

      // The operator removes the key at PowerDNS and resumes.
      records.withdrawDnskeys(zone, List.of(planted));
      assertThat(w.dnskeys(p)).doesNotContain(tag);
      assertThat(
              await(
                  Duration.ofSeconds(30),
                  () -> !servedTags(w.zoneView(), E2eWorld.PDNS).contains(tag)))
          .as("the coordinator saw the key gone")
          .isTrue();
      w.sendToApi(
          "POST",
          "/zones/" + E2eWorld.ZONE + "/resume",
          "{\"operator\":\"e2e\",\"reason\":\"the planted key is removed\"}");
      assertThat(
              await(
                  Duration.ofSeconds(30),
                  () -> {
                    view.set(w.zoneView());
                    return !view.get().path("halted").asBoolean();
                  }))
          .as("resumed\n%s", view.get())
          .isTrue();
      assertThat(await(Duration.ofMinutes(1), w::converged)).as(w.check().render()).isTrue();
      Thread.sleep(5000);
      assertThat(w.zoneView().path("halted").asBoolean()).as("still active after 5 s").isFalse();
      assertThat(E2eWorld.kinds(w.audit())).containsOnlyOnce("ZoneHalted");

      w.assertNoBogus(
          "planted-key",
          String.format("halted %.1f s after the key was planted (tag %d)", haltSeconds, tag),
          0);
    }
  }

  /** Key tags of the DNSKEY RRset the coordinator last observed at {@code signer}. */
  private static List<Integer> servedTags(JsonNode zone, String signer) {
    for (JsonNode s : zone.path("signers")) {
      if (s.path("id").asText().equals(signer)) {
        List<Integer> tags = new java.util.ArrayList<>();
        s.path("servedKeyTags").forEach(t -> tags.add(t.asInt()));
        return tags;
      }
    }
    throw new AssertionError("no signer " + signer + " in " + zone);
  }

  /** A KSK whose private key nobody keeps. */
  private static DNSKEYRecord planted() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return new DNSKEYRecord(
        ZoneName.of(E2eWorld.ZONE).toName(),
        DClass.IN,
        10,
        257,
        DNSKEYRecord.Protocol.DNSSEC,
        DNSSEC.Algorithm.ECDSAP256SHA256,
        g.generateKeyPair().getPublic());
  }
}
