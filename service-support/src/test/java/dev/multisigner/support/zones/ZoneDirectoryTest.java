package dev.multisigner.support.zones;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.schemas.avro.AddSigner;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.RetireZone;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.ZoneIntent;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One zone's signers and the zone names, looked up without copying the whole directory. */
class ZoneDirectoryTest {

  @Test
  void answersForOneZoneAndForgetsARetiredOne() {
    ZoneDirectory directory = new ZoneDirectory("127.0.0.1:9"); // never started: no broker needed
    directory.apply("a.test.", intent("a.test.", new AddSigner(signer("knot-a"))));
    directory.apply("a.test.", intent("a.test.", new AddSigner(signer("pdns-b"))));
    directory.apply("b.test.", intent("b.test.", new AddSigner(signer("knot-a"))));

    assertThat(directory.signers("a.test.")).contains(Set.of("knot-a", "pdns-b"));
    assertThat(directory.signers("b.test.")).contains(Set.of("knot-a"));
    assertThat(directory.signers("unknown.test.")).isEmpty();
    assertThat(directory.zoneNames()).containsExactlyInAnyOrder("a.test.", "b.test.");

    // snapshots: a later intent changes the directory, not what a caller already holds
    Set<String> held = directory.signers("b.test.").orElseThrow();
    Set<String> names = directory.zoneNames();
    directory.apply("b.test.", intent("b.test.", new AddSigner(signer("pdns-b"))));
    directory.apply("a.test.", intent("a.test.", new RetireZone("test")));

    assertThat(held).containsExactly("knot-a");
    assertThat(names).containsExactlyInAnyOrder("a.test.", "b.test.");
    assertThat(directory.signers("b.test.")).contains(Set.of("knot-a", "pdns-b"));
    assertThat(directory.signers("a.test.")).isEmpty();
    assertThat(directory.zoneNames()).containsExactly("b.test.");
    assertThat(directory.zones()).containsOnlyKeys("b.test.");
  }

  private static SignerSpec signer(String id) {
    return new SignerSpec(id, "rfc2136", 13, List.of());
  }

  private static ZoneIntent intent(String zone, Object what) {
    return new ZoneIntent(
        new Envelope(UUID.randomUUID().toString(), zone, Instant.now(), "test", null, null), what);
  }
}
