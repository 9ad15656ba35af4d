package dev.multisigner.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.multisigner.domain.codec.ZoneStateCodec;
import dev.multisigner.domain.decide.HaltCause;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.model.ZoneName;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The zone gauges from scans of an in-memory store of encoded states: what they count and how old,
 * following zones that change and leave; a zone whose bytes did not change is not decoded again;
 * the key sync latency is measured once per key, at the scan that first sees it everywhere.
 */
class ZoneMetricsTest {

  private static final Instant T0 = Instant.parse("2026-12-06T20:00:00Z");
  private static final SignerId A = SignerId.of("signer-a");
  private static final SignerId B = SignerId.of("signer-b");
  private static final KeyData A_ZSK = key(256, 1);
  private static final KeyData B_ZSK = key(256, 2);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestClock clock = new TestClock();
  private final Map<String, byte[]> store = new LinkedHashMap<>();
  private boolean refuse;
  private final ZoneMetrics metrics =
      new ZoneMetrics(
          zone -> {
            if (refuse) {
              throw new IllegalStateException("zone state is not queryable yet");
            }
            store.forEach(zone);
          },
          registry,
          clock,
          new ParentChanges(registry));

  @Test
  void gaugesCountTheStoredZonesAndFollowAZoneThatChangesAndOneThatLeaves() {
    put(
        zone(
            "steady.test", member(A, MemberPhase.ACTIVE, -30), member(B, MemberPhase.ACTIVE, -10)));
    put(
        zone(
            "joining.test",
            List.of(member(A, MemberPhase.ACTIVE, -20), member(B, MemberPhase.JOINING, -5)),
            List.of(),
            Pending.issued("ds-1", List.of(), List.of(), List.of(), t(60), t(-50))));
    put(
        zone("halted.test", member(A, MemberPhase.ACTIVE, -40))
            .withStatus(ZoneStatus.HALTED, HaltCause.SIGNER_UNREACHABLE, "signer-b: timeout"));
    put(
        zone("retired.test", member(A, MemberPhase.ACTIVE, -1000))
            .withStatus(ZoneStatus.RETIRED, HaltCause.NONE, null));

    clock.now = T0;
    metrics.scan();

    assertThat(rows("multisigner.zones"))
        .containsOnly(
            entry("steady/steady", 1.0),
            entry("join/JOINING", 1.0),
            entry("ds-change/requested", 1.0),
            entry("halted/SIGNER_UNREACHABLE", 1.0));
    assertThat(rows("multisigner.zones.halted")).containsOnly(entry("SIGNER_UNREACHABLE", 1.0));
    assertThat(rows("multisigner.parent.ds.pending")).containsOnly(entry("", 1.0));
    // the retired zone's signer-a, observed 1000 s ago, is not counted
    assertThat(rows("multisigner.observation.age"))
        .containsOnly(entry("signer-a", 40.0), entry("signer-b", 10.0));
    // the join's step began 100 s ago (phaseSince); a halt has no start
    assertThat(rows("multisigner.step.age.max"))
        .containsOnly(entry("join/JOINING", 100.0), entry("ds-change/requested", 50.0));
    assertThat(gauge("multisigner.parent.ds.lag")).isEqualTo(50.0);
    assertThat(metrics.decodes()).isEqualTo(4);

    clock.now = t(5);
    metrics.scan();

    assertThat(metrics.decodes()).as("no zone changed: none decoded again").isEqualTo(4);
    assertThat(rows("multisigner.observation.age"))
        .containsOnly(entry("signer-a", 45.0), entry("signer-b", 15.0));
    assertThat(rows("multisigner.step.age.max"))
        .containsOnly(entry("join/JOINING", 105.0), entry("ds-change/requested", 55.0));
    assertThat(gauge("multisigner.parent.ds.lag")).isEqualTo(55.0);

    // signer-b has joined and the parent serves the DS; the halted zone left this instance
    put(zone("joining.test", member(A, MemberPhase.ACTIVE, -20), member(B, MemberPhase.ACTIVE, 7)));
    store.remove("halted.test.");
    clock.now = t(10);
    metrics.scan();

    assertThat(metrics.decodes()).as("only the changed zone is decoded").isEqualTo(5);
    assertThat(rows("multisigner.zones")).containsOnly(entry("steady/steady", 2.0));
    assertThat(rows("multisigner.zones.halted")).isEmpty();
    assertThat(rows("multisigner.parent.ds.pending")).containsOnly(entry("", 0.0));
    assertThat(rows("multisigner.observation.age"))
        .containsOnly(entry("signer-a", 40.0), entry("signer-b", 20.0));
    assertThat(rows("multisigner.step.age.max")).isEmpty();
    assertThat(gauge("multisigner.parent.ds.lag")).isZero();
  }

  @Test
  void aScanTheStoreRefusesKeepsTheLastGauges() {
    put(zone("one.test", member(A, MemberPhase.JOINING, -30)));
    clock.now = T0;
    metrics.scan();
    assertThat(rows("multisigner.observation.age")).containsOnly(entry("signer-a", 30.0));

    refuse = true;
    clock.now = t(5);
    metrics.scan();
    assertThat(rows("multisigner.zones")).containsOnly(entry("join/JOINING", 1.0));
    assertThat(rows("multisigner.observation.age")).containsOnly(entry("signer-a", 30.0));

    refuse = false;
    metrics.scan();
    assertThat(rows("multisigner.observation.age")).containsOnly(entry("signer-a", 35.0));
    assertThat(metrics.decodes()).isEqualTo(1);
  }

  @Test
  void aStateThatCannotBeDecodedIsCountedAsUnreadableAndTheOtherZonesGoOn() {
    put(zone("one.test", member(A, MemberPhase.JOINING, -30)));
    store.put("bad.test.", new byte[] {99, 1, 2});
    clock.now = T0;
    metrics.scan();
    assertThat(rows("multisigner.zones"))
        .containsOnly(entry("join/JOINING", 1.0), entry("unreadable/state", 1.0));
    assertThat(rows("multisigner.observation.age")).containsOnly(entry("signer-a", 30.0));
    assertThat(metrics.decodes()).isEqualTo(2);

    clock.now = t(5);
    metrics.scan();
    assertThat(metrics.decodes()).as("the bad bytes are not decoded again").isEqualTo(2);
    assertThat(rows("multisigner.observation.age")).containsOnly(entry("signer-a", 35.0));

    put(zone("bad.test", member(B, MemberPhase.ACTIVE, 0)));
    metrics.scan();
    assertThat(rows("multisigner.zones"))
        .containsOnly(entry("join/JOINING", 1.0), entry("steady/steady", 1.0));
  }

  @Test
  void aKeyIsMeasuredOnceWhenItFirstReachesEveryMemberAndNotWhenItDidBeforeStart() {
    KeyRecord aZsk = new KeyRecord(A_ZSK, A, KeyRole.ZSK, t(-60), null);
    KeyRecord bZsk = new KeyRecord(B_ZSK, B, KeyRole.ZSK, t(-30), null);
    // signer-a's ZSK is everywhere before start; signer-b's only at signer-b
    putKeys(-1, List.of(A_ZSK), List.of(B_ZSK, A_ZSK), aZsk, bZsk);
    clock.now = T0;
    metrics.scan();
    assertThat(latency("signer-a")).isNull();
    assertThat(latency("signer-b")).isNull();

    // signer-a imported signer-b's ZSK
    putKeys(3, List.of(A_ZSK, B_ZSK), List.of(B_ZSK, A_ZSK), aZsk, bZsk);
    clock.now = t(5);
    metrics.scan();
    assertThat(latency("signer-a")).isNull();
    assertThat(latency("signer-b").count()).isEqualTo(1);
    assertThat(latency("signer-b").totalAmount()).isEqualTo(35.0);

    clock.now = t(10);
    metrics.scan(); // unchanged
    putKeys(12, List.of(A_ZSK, B_ZSK), List.of(B_ZSK, A_ZSK), aZsk, bZsk);
    clock.now = t(15);
    metrics.scan(); // changed, the key still everywhere: already measured
    assertThat(latency("signer-b").count()).isEqualTo(1);
    assertThat(latency("signer-a")).isNull();

    // signer-b's key withdrawn and forgotten; later a key of the same owner and tag is new
    putKeys(17, List.of(A_ZSK), List.of(A_ZSK), aZsk);
    clock.now = t(20);
    metrics.scan();
    putKeys(
        22,
        List.of(A_ZSK, B_ZSK),
        List.of(B_ZSK, A_ZSK),
        aZsk,
        new KeyRecord(B_ZSK, B, KeyRole.ZSK, t(21), null));
    clock.now = t(25);
    metrics.scan();
    assertThat(latency("signer-b").count()).isEqualTo(2);
    assertThat(latency("signer-b").totalAmount()).isEqualTo(35.0 + 4.0);
    assertThat(metrics.decodes()).isEqualTo(5);
  }

  /**
   * keys.test: signer-a and signer-b serving {@code atA} and {@code atB}, observed at T0 + {@code
   * observed} s.
   */
  private void putKeys(long observed, List<KeyData> atA, List<KeyData> atB, KeyRecord... keys) {
    put(
        zone(
            "keys.test",
            List.of(
                member(A, MemberPhase.ACTIVE, observed, atA.toArray(KeyData[]::new)),
                member(B, MemberPhase.ACTIVE, observed, atB.toArray(KeyData[]::new))),
            List.of(keys),
            null));
  }

  @Test
  void theFingerprintTellsBytesApartByEveryByteAndTheLength() {
    byte[] bytes = new byte[19];
    Arrays.fill(bytes, (byte) 7);
    long base = ZoneMetrics.fingerprint(bytes);
    for (int i = 0; i < bytes.length; i++) {
      byte[] other = bytes.clone();
      other[i] ^= 1;
      assertThat(ZoneMetrics.fingerprint(other)).as("byte %d", i).isNotEqualTo(base);
    }
    assertThat(ZoneMetrics.fingerprint(Arrays.copyOf(bytes, 20))).isNotEqualTo(base);
    assertThat(ZoneMetrics.fingerprint(bytes.clone())).isEqualTo(base);
  }

  private void put(ZoneState s) {
    store.put(s.zone().value(), ZoneStateCodec.encode(s));
  }

  /** Each gauge row of {@code name} by its tag values joined with '/', and its value. */
  private Map<String, Double> rows(String name) {
    return registry.find(name).gauges().stream()
        .collect(
            Collectors.toMap(
                g ->
                    g.getId().getTags().stream()
                        .map(Tag::getValue)
                        .collect(Collectors.joining("/")),
                Gauge::value,
                (x, y) -> {
                  throw new AssertionError("two rows with the same tags");
                },
                TreeMap::new));
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private DistributionSummary latency(String signer) {
    return registry.find("multisigner.key.sync.latency").tag("signer", signer).summary();
  }

  private static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  private static KeyData key(int flags, int seed) {
    byte[] publicKey = new byte[64];
    Arrays.fill(publicKey, (byte) seed);
    return new KeyData(flags, 3, 13, publicKey);
  }

  /** A member in {@code phase} since 100 s before T0, last observed at T0 + {@code observed} s. */
  private static Member member(SignerId id, MemberPhase phase, long observed, KeyData... served) {
    List<String> ns = List.of("ns." + id + ".test.");
    return Member.joining(new SignerSpec(id, Capabilities.builder().build(), 13, ns))
        .withPhase(phase, null)
        .withObservation(t(observed), List.of(served), List.of(), ns)
        .withPhaseSince(t(-100));
  }

  private static ZoneState zone(String name, Member... members) {
    return zone(name, List.of(members), List.of(), null);
  }

  private static ZoneState zone(
      String name, List<Member> members, List<KeyRecord> keys, Pending dsRequest) {
    return new ZoneState(
        ZoneName.of(name),
        ZoneStatus.ACTIVE,
        HaltCause.NONE,
        null,
        GroupPolicy.modelTwo(13),
        1,
        members,
        keys,
        null,
        null,
        null,
        null,
        dsRequest,
        null,
        null,
        null,
        null);
  }

  private static final class TestClock extends Clock {
    private Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
