package dev.multisigner.support.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chain rules on hand-made records (the real log's tampering is in the cli's tests). */
class AuditChainTest {

  private static final String ZONE = "example.test.";

  private static byte[] event(int i, String previousHash) {
    Envelope env =
        new Envelope("e" + i, ZONE, Instant.parse("2026-12-06T20:00:00Z"), "test", null, null);
    return TopicCatalog.ZONE_EVENTS
        .valueSerde()
        .encode(new ZoneEvent(env, "Step" + i, "step " + i, Map.of(), previousHash));
  }

  /** A chain of n events, as the coordinator writes it. */
  private static List<byte[]> chain(int n) {
    List<byte[]> out = new ArrayList<>();
    String previous = null;
    for (int i = 0; i < n; i++) {
      byte[] bytes = event(i, previous);
      out.add(bytes);
      previous = AuditChain.hash(bytes);
    }
    return out;
  }

  private static AuditChain.Verifier verify(List<byte[]> records) {
    AuditChain.Verifier v = new AuditChain.Verifier();
    for (int i = 0; i < records.size(); i++) {
      v.accept(ZONE, 0, i, records.get(i));
    }
    return v;
  }

  @Test
  void anUntouchedChainVerifiesAndItsHeadIsTheLastRecordsHash() {
    List<byte[]> records = chain(4);
    AuditChain.Verifier v = verify(records);
    assertThat(v.breaks()).isEmpty();
    assertThat(v.count(ZONE)).isEqualTo(4);
    assertThat(v.head(ZONE)).isEqualTo(AuditChain.hash(records.get(3))).hasSize(64);
  }

  @Test
  void eventsWrittenBeforeTheChainExistedAreAcceptedUntilTheFirstChainedOne() {
    List<byte[]> records = new ArrayList<>(List.of(event(0, null), event(1, null)));
    records.add(event(2, AuditChain.hash(records.get(1))));
    assertThat(verify(records).breaks()).isEmpty();
  }

  @Test
  void aRecordWithoutPreviousHashAfterTheChainStartedIsABreak() {
    List<byte[]> records = chain(3);
    records.add(event(9, null));
    assertThat(verify(records).breaks().get(ZONE).offset()).isEqualTo(3);
    assertThat(verify(records).breaks().get(ZONE).reason()).contains("no previous hash");
  }

  @Test
  void aSwappedPairIsABreakAtTheFirstOutOfPlace() {
    List<byte[]> records = chain(4);
    byte[] second = records.get(1);
    records.set(1, records.get(2));
    records.set(2, second);
    AuditChain.Break b = verify(records).breaks().get(ZONE);
    assertThat(b.offset()).isEqualTo(1);
    assertThat(b.type()).isEqualTo("Step2");
  }

  @Test
  void bytesThatDoNotDecodeAreABreak() {
    List<byte[]> records = chain(2);
    records.set(1, new byte[] {(byte) 0xC3, 0x01, 1, 2, 3});
    assertThat(verify(records).breaks().get(ZONE).reason()).contains("does not decode");
  }
}
