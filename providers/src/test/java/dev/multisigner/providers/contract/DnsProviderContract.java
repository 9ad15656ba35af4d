package dev.multisigner.providers.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.CSYNCRecord;
import dev.multisigner.providers.DesiredKeys;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.PlanChange;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.ProviderException.PermanentProviderException;
import dev.multisigner.providers.ProviderException.RetryableProviderException;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.ProviderPlanner;
import dev.multisigner.providers.TestKeys;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Type;

/**
 * The provider contract. Each adapter's test extends this class and says how to start its provider;
 * every case runs only when the adapter's declared capabilities allow it. Each case leaves the zone
 * as it found it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DnsProviderContract {

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(DnsProviderContract.class);

  private final ProviderPlanner planner = new ProviderPlanner();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  /** Starts whatever the provider needs (a lab signer, a contract server). */
  protected abstract void start() throws Exception;

  /** Stops it. */
  protected abstract void stop() throws Exception;

  /** The adapter under test, with good credentials. */
  protected abstract DnsProvider provider();

  /** The same adapter with a wrong TSIG key or API token. */
  protected abstract DnsProvider providerWithWrongCredentials();

  /** The zone the provider serves. */
  protected abstract ZoneName zone();

  /** Every credential in play (good and wrong): none may appear in a message or a log line. */
  protected abstract List<String> secrets();

  @BeforeAll
  void startProvider() throws Exception {
    start();
  }

  @AfterAll
  void stopProvider() throws Exception {
    stop();
  }

  @BeforeEach
  void captureLogs() {
    logs.list.clear();
    logs.start();
    root().addAppender(logs);
  }

  @AfterEach
  void noSecretInAnyLogLine() {
    root().detachAppender(logs);
    for (ILoggingEvent e : logs.list) {
      String line =
          e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage());
      for (String secret : secrets()) {
        assertThat(line).as("log line").doesNotContain(secret);
      }
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private boolean can(Capability c) {
    return provider().capabilities().can(c);
  }

  /** What Multisigner manages at the provider now: desired = served, so the plan is empty. */
  private static DesiredKeys asServed(ZoneKeySnapshot s) {
    return new DesiredKeys(
        new HashSet<>(s.foreignDnskeys()), new HashSet<>(s.cds()), new HashSet<>(s.cdnskeys()));
  }

  private ProviderPlan planAndApply(DesiredKeys desired) {
    ProviderPlan plan = planner.plan(desired, provider().read(zone()), provider().capabilities());
    planner.apply(provider(), plan, plan.hash());
    return plan;
  }

  /** Cleanup after a case: back to {@code start}, without hiding the case's own failure. */
  private void restore(DesiredKeys start) {
    try {
      planAndApply(start);
    } catch (RuntimeException e) {
      LOG.warn(
          "zone={} provider={} event=restore_failed cause={}",
          zone(),
          provider().id(),
          e.getMessage());
    }
  }

  private void assertReplanIsEmpty(DesiredKeys desired) {
    ProviderPlan again = planner.plan(desired, provider().read(zone()), provider().capabilities());
    assertThat(again.lines()).as("re-plan after apply").isEmpty();
  }

  @Test
  void readsTheZoneKeys() throws Exception {
    ZoneKeySnapshot s = provider().read(zone());

    assertThat(s.zone()).isEqualTo(zone());
    assertThat(s.provider()).isEqualTo(provider().id());
    assertThat(s.dnskeys()).isNotEmpty();
    assertThat(provider().servedDnskeys(zone()))
        .as("the served DNSKEY RRset alone is the read's")
        .containsExactlyInAnyOrderElementsOf(s.dnskeys());
    assertThat(s.ownKeys()).isNotEmpty().isSubsetOf(new HashSet<>(s.dnskeys()));
    assertThat(s.ns()).isNotEmpty();
    assertThat(asServedPlan(s).lines()).as("planning what is served").isEmpty();
    if (can(Capability.READ_KEYS_DNS)) {
      assertThat(s.dnskeySignerTags()).isNotEmpty();
      assertThat(s.soaSignerTags()).isNotEmpty();
      Set<Integer> ownTags = new HashSet<>();
      s.ownKeys().forEach(k -> ownTags.add(k.getFootprint()));
      assertThat(ownTags).containsAll(s.dnskeySignerTags());
      assertVerifiesWithOwnKey(s, Type.DNSKEY);
      assertVerifiesWithOwnKey(s, Type.SOA);
    }
  }

  private ProviderPlan asServedPlan(ZoneKeySnapshot s) {
    return planner.plan(asServed(s), s, provider().capabilities());
  }

  @Test
  void importsAForeignZskServesItSignedByItsOwnKskAndWithdrawsIt() throws Exception {
    assumeTrue(can(Capability.IMPORT_FOREIGN_DNSKEY), "adapter cannot import DNSKEYs");
    ZoneKeySnapshot before = provider().read(zone());
    DesiredKeys start = asServed(before);
    DNSKEYRecord foreign = TestKeys.zsk(zone().toName());

    Set<DNSKEYRecord> withZsk = new HashSet<>(start.foreignDnskeys());
    withZsk.add(foreign);
    DesiredKeys imported = new DesiredKeys(withZsk, start.cds(), start.cdnskeys());
    try {
      ProviderPlan plan = planAndApply(imported);
      assertThat(plan.changes()).containsExactly(new PlanChange(PlanChange.Action.ADD, foreign));

      ZoneKeySnapshot after = provider().read(zone());
      assertThat(after.dnskeys()).contains(foreign);
      assertThat(provider().servedDnskeys(zone())).contains(foreign);
      assertThat(after.foreignDnskeys()).contains(foreign);
      assertThat(after.ownKeys()).isEqualTo(before.ownKeys());
      if (can(Capability.READ_KEYS_DNS)) {
        assertVerifiesWithOwnKey(after, Type.DNSKEY);
      }
      assertReplanIsEmpty(imported);
      ProviderPlan withdraw = planAndApply(start);
      assertThat(withdraw.changes())
          .containsExactly(new PlanChange(PlanChange.Action.REMOVE, foreign));
    } finally {
      restore(start);
    }
    assertThat(provider().read(zone()).dnskeys()).doesNotContain(foreign);
    assertReplanIsEmpty(start);
  }

  @Test
  void publishesAndWithdrawsCdsAndCdnskeyOfAForeignKsk() throws Exception {
    assumeTrue(can(Capability.PUBLISH_CDS_CDNSKEY), "adapter cannot publish CDS/CDNSKEY");
    ZoneKeySnapshot before = provider().read(zone());
    DesiredKeys start = asServed(before);
    DNSKEYRecord foreignKsk = TestKeys.ksk(zone().toName());
    CDSRecord cds = TestKeys.cds(foreignKsk);
    CDNSKEYRecord cdnskey = TestKeys.cdnskey(foreignKsk);

    Set<CDSRecord> cdsSet = new HashSet<>(start.cds());
    cdsSet.add(cds);
    Set<CDNSKEYRecord> cdnskeySet = new HashSet<>(start.cdnskeys());
    cdnskeySet.add(cdnskey);
    DesiredKeys published = start.withCds(cdsSet, cdnskeySet);
    try {
      ProviderPlan plan = planAndApply(published);
      assertThat(plan.lines()).hasSize(2);
      assertThat(plan.changes())
          .containsExactly(
              new PlanChange(PlanChange.Action.ADD, cdnskey),
              new PlanChange(PlanChange.Action.ADD, cds));

      ZoneKeySnapshot after = provider().read(zone());
      assertThat(after.cds()).contains(cds);
      assertThat(after.cdnskeys()).contains(cdnskey);
      if (can(Capability.READ_KEYS_DNS)) {
        assertVerifiesWithOwnKey(after, Type.CDS);
        assertVerifiesWithOwnKey(after, Type.CDNSKEY);
      }
      assertReplanIsEmpty(published);
      ProviderPlan withdraw = planAndApply(start);
      assertThat(withdraw.lines()).hasSize(2);
      assertThat(withdraw.changes()).allMatch(c -> c.action() == PlanChange.Action.REMOVE);
    } finally {
      restore(start);
    }
    ZoneKeySnapshot end = provider().read(zone());
    assertThat(end.cds()).doesNotContain(cds);
    assertThat(end.cdnskeys()).doesNotContain(cdnskey);
    assertReplanIsEmpty(start);
  }

  @Test
  void refusesPlansThatNeedACapabilityItLacks() {
    assumeFalse(
        can(Capability.IMPORT_FOREIGN_DNSKEY) && can(Capability.PUBLISH_CDS_CDNSKEY),
        "adapter has every write capability");
    ZoneKeySnapshot before = provider().read(zone());
    DNSKEYRecord ksk = TestKeys.ksk(zone().toName());
    DesiredKeys desired =
        new DesiredKeys(
            Set.of(TestKeys.zsk(zone().toName())),
            Set.of(TestKeys.cds(ksk)),
            Set.of(TestKeys.cdnskey(ksk)));

    permanentFailure(
        Kind.UNSUPPORTED, () -> planner.plan(desired, before, provider().capabilities()));

    assertThat(provider().read(zone()).dnskeys()).isEqualTo(before.dnskeys());
  }

  @Test
  void wrongCredentialsGiveAClearPermanentErrorAndChangeNothing() throws Exception {
    assumeTrue(
        can(Capability.IMPORT_FOREIGN_DNSKEY) || can(Capability.PUBLISH_CDS_CDNSKEY),
        "adapter writes nothing");
    ZoneKeySnapshot before = provider().read(zone());
    DNSKEYRecord foreign = TestKeys.zsk(zone().toName());
    DNSKEYRecord ksk = TestKeys.ksk(zone().toName());
    List<PlanChange> changes = new ArrayList<>();
    if (can(Capability.IMPORT_FOREIGN_DNSKEY)) {
      changes.add(new PlanChange(PlanChange.Action.ADD, foreign));
    }
    if (can(Capability.PUBLISH_CDS_CDNSKEY)) {
      changes.add(new PlanChange(PlanChange.Action.ADD, TestKeys.cds(ksk)));
    }
    ProviderPlan plan = new ProviderPlan(before, changes);

    ProviderException e =
        catchThrowableOfType(
            ProviderException.class, () -> providerWithWrongCredentials().apply(plan));

    LOG.info("event=wrong_credentials_refused message=\"{}\"", e.getMessage());
    assertThat(e).isInstanceOf(PermanentProviderException.class);
    assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("zone=" + zone()).contains("provider=" + provider().id());
    for (String secret : secrets()) {
      assertThat(e.getMessage()).doesNotContain(secret);
      assertThat(String.valueOf(e.getCause())).doesNotContain(secret);
      assertThat(providerWithWrongCredentials().toString()).doesNotContain(secret);
      assertThat(provider().toString()).doesNotContain(secret);
    }
    ZoneKeySnapshot after = provider().read(zone());
    assertThat(after.dnskeys()).isEqualTo(before.dnskeys());
    assertThat(after.cds()).isEqualTo(before.cds());
    assertThat(after.cdnskeys()).isEqualTo(before.cdnskeys());
  }

  @Test
  void detectsAChangeMadeSinceThePlanWasMadeAndChangesNothing() throws Exception {
    assumeTrue(can(Capability.IMPORT_FOREIGN_DNSKEY), "adapter cannot import DNSKEYs");
    ZoneKeySnapshot stale = provider().read(zone());
    DesiredKeys start = asServed(stale);
    DNSKEYRecord first = TestKeys.zsk(zone().toName());
    DNSKEYRecord second = TestKeys.zsk(zone().toName());
    Set<DNSKEYRecord> withFirst = new HashSet<>(start.foreignDnskeys());
    withFirst.add(first);
    try {
      planAndApply(new DesiredKeys(withFirst, start.cds(), start.cdnskeys()));
      ProviderPlan late =
          new ProviderPlan(stale, List.of(new PlanChange(PlanChange.Action.ADD, second)));

      RetryableProviderException e =
          catchThrowableOfType(RetryableProviderException.class, () -> provider().apply(late));

      LOG.info("event=concurrent_change_detected message=\"{}\"", e.getMessage());
      assertThat(e.kind()).isEqualTo(Kind.CONCURRENT_CHANGE);
      assertThat(e.getMessage()).contains("zone=" + zone()).contains("provider=" + provider().id());
      assertThat(provider().read(zone()).dnskeys()).contains(first).doesNotContain(second);
    } finally {
      restore(start);
    }
    assertReplanIsEmpty(start);
  }

  @Test
  void refusesToWithdrawTheSignersOwnKeyAndChangesNothing() {
    assumeTrue(can(Capability.IMPORT_FOREIGN_DNSKEY), "adapter cannot change DNSKEYs");
    ZoneKeySnapshot before = provider().read(zone());
    DNSKEYRecord own =
        before.ownKeys().stream()
            .filter(k -> (k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) == 0)
            .findFirst()
            .orElseGet(() -> before.ownKeys().iterator().next());
    ProviderPlan plan =
        new ProviderPlan(before, List.of(new PlanChange(PlanChange.Action.REMOVE, own)));

    PermanentProviderException e = permanentFailure(Kind.REFUSED, () -> provider().apply(plan));

    assertThat(e.getMessage()).contains("own key");
    assertThat(provider().read(zone()).dnskeys()).isEqualTo(before.dnskeys());
  }

  @Test
  void aZoneTheProviderDoesNotServeIsAPermanentUnknownZoneError() {
    ZoneName other = ZoneName.of("not-served.test.");

    PermanentProviderException e =
        catchThrowableOfType(PermanentProviderException.class, () -> provider().read(other));

    assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_ZONE);
    assertThat(e.getMessage())
        .contains("zone=not-served.test.")
        .contains("provider=" + provider().id());
  }

  /** Nameservers outside the zone (glue is not managed), neither of them served at the start. */
  private static final List<Name> OTHER_NAMESERVERS =
      List.of(
          Name.fromConstantString("ns1.knot-a.test."), Name.fromConstantString("ns2.pdns-b.test."));

  private static List<Name> targets(ZoneKeySnapshot s) {
    return s.ns().stream().map(NSRecord::getTarget).toList();
  }

  /** CSYNC flags 1 (immediate), serial 0, types NS A AAAA: "copy NS and glue now". */
  private CSYNCRecord csync() {
    return CSYNCRecord.of(
        zone().toName(), 60, 0, CSYNCRecord.Flags.IMMEDIATE, Type.NS, Type.A, Type.AAAA);
  }

  /** Cleanup after a case: runs {@code step}, without hiding the case's own failure. */
  private void cleanUp(String what, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.warn(
          "zone={} provider={} event=cleanup_failed step={} cause={}",
          zone(),
          provider().id(),
          what,
          e.getMessage());
    }
  }

  @Test
  void publishNsReplacesTheApexNsSetAndASecondIdenticalCallPlansNothing() throws Exception {
    assumeTrue(can(Capability.MANAGE_NS), "adapter cannot manage the apex NS RRset");
    ZoneKeySnapshot before = provider().read(zone());
    List<Name> original = targets(before);
    assertThat(original).isNotEmpty().doesNotContainAnyElementsOf(OTHER_NAMESERVERS);
    try {
      ProviderPlan plan = provider().publishNs(zone(), OTHER_NAMESERVERS);

      assertThat(plan.lines()).hasSize(OTHER_NAMESERVERS.size() + original.size());
      assertThat(plan.changes().subList(0, OTHER_NAMESERVERS.size()))
          .as("adds before removes: the apex never has no NS")
          .allMatch(c -> c.action() == PlanChange.Action.ADD && c.type() == Type.NS);
      assertThat(plan.changes(PlanChange.Action.REMOVE, Type.NS)).hasSize(original.size());
      ZoneKeySnapshot after = provider().read(zone());
      assertThat(targets(after)).containsExactlyInAnyOrderElementsOf(OTHER_NAMESERVERS);
      assertThat(after.dnskeys()).isEqualTo(before.dnskeys());
      if (can(Capability.READ_KEYS_DNS)) {
        assertVerifiesWithOwnKey(after, Type.NS);
      }
      ProviderPlan again = provider().publishNs(zone(), OTHER_NAMESERVERS);
      assertThat(again.lines()).as("second identical publishNs").isEmpty();
    } finally {
      cleanUp("restore_ns", () -> provider().publishNs(zone(), original));
    }
    assertThat(targets(provider().read(zone()))).containsExactlyInAnyOrderElementsOf(original);
    assertThat(provider().publishNs(zone(), original).isEmpty()).isTrue();
  }

  @Test
  void publishNsRefusesAnEmptySetAndChangesNothing() {
    assumeTrue(can(Capability.MANAGE_NS), "adapter cannot manage the apex NS RRset");
    ZoneKeySnapshot before = provider().read(zone());

    PermanentProviderException e =
        permanentFailure(Kind.MALFORMED, () -> provider().publishNs(zone(), List.of()));

    assertThat(e.getMessage()).contains("empty apex NS RRset");
    assertThat(provider().read(zone()).ns()).isEqualTo(before.ns());
  }

  @Test
  void publishCsyncServesExactlyThatCsyncSignedAndReplacesAnother() throws Exception {
    assumeTrue(can(Capability.PUBLISH_CSYNC), "adapter cannot publish CSYNC");
    assertThat(provider().read(zone()).csync()).as("CSYNC at the start").isEmpty();
    CSYNCRecord csync = csync();
    try {
      ProviderPlan plan = provider().publishCsync(zone(), csync);
      assertThat(plan.changes()).containsExactly(new PlanChange(PlanChange.Action.ADD, csync));
      assertThat(plan.lines()).containsExactly("+ " + zone() + " CSYNC 0 1 A NS AAAA");

      ZoneKeySnapshot after = provider().read(zone());
      assertThat(after.csync()).containsExactly(csync);
      CSYNCRecord served = after.csync().get(0);
      assertThat(served.getFlags()).isEqualTo(CSYNCRecord.Flags.IMMEDIATE);
      assertThat(served.getSerial()).isZero();
      assertThat(served.getTypes()).containsExactly(Type.A, Type.NS, Type.AAAA);
      if (can(Capability.READ_KEYS_DNS)) {
        assertVerifiesWithOwnKey(after, Type.CSYNC);
      }
      assertThat(provider().publishCsync(zone(), csync).lines())
          .as("second identical publishCsync")
          .isEmpty();

      CSYNCRecord other =
          CSYNCRecord.of(
              zone().toName(),
              60,
              after.soa().map(soa -> soa.getSerial()).orElse(1L),
              CSYNCRecord.Flags.IMMEDIATE | CSYNCRecord.Flags.SOA_MINIMUM,
              Type.NS);
      ProviderPlan replace = provider().publishCsync(zone(), other);
      assertThat(replace.changes())
          .containsExactly(
              new PlanChange(PlanChange.Action.ADD, other),
              new PlanChange(PlanChange.Action.REMOVE, csync));
      assertThat(provider().read(zone()).csync()).containsExactly(other);
    } finally {
      cleanUp("withdraw_csync", () -> provider().withdrawCsync(zone()));
    }
    assertThat(provider().read(zone()).csync()).isEmpty();
  }

  @Test
  void withdrawCsyncRemovesItAndIsIdempotent() {
    assumeTrue(can(Capability.PUBLISH_CSYNC), "adapter cannot publish CSYNC");
    ZoneKeySnapshot before = provider().read(zone());
    CSYNCRecord csync = csync();
    try {
      provider().publishCsync(zone(), csync);
      assertThat(provider().read(zone()).csync()).containsExactly(csync);

      ProviderPlan withdraw = provider().withdrawCsync(zone());

      assertThat(withdraw.changes())
          .containsExactly(new PlanChange(PlanChange.Action.REMOVE, csync));
      ZoneKeySnapshot after = provider().read(zone());
      assertThat(after.csync()).isEmpty();
      assertThat(after.signaturesOver(Type.CSYNC)).isEmpty();
      assertThat(after.ns()).isEqualTo(before.ns());
      assertThat(provider().withdrawCsync(zone()).lines()).as("second withdrawCsync").isEmpty();
    } finally {
      cleanUp("withdraw_csync", () -> provider().withdrawCsync(zone()));
    }
  }

  @Test
  void nsAndCsyncChangesItCannotMakeAreUnsupportedAndChangeNothing() {
    assumeFalse(
        can(Capability.MANAGE_NS) && can(Capability.PUBLISH_CSYNC), "adapter manages NS and CSYNC");
    ZoneKeySnapshot before = provider().read(zone());
    List<Runnable> calls = new ArrayList<>();
    if (!can(Capability.MANAGE_NS)) {
      calls.add(() -> provider().publishNs(zone(), OTHER_NAMESERVERS));
    }
    if (!can(Capability.PUBLISH_CSYNC)) {
      calls.add(() -> provider().publishCsync(zone(), csync()));
      calls.add(() -> provider().withdrawCsync(zone()));
    }

    for (Runnable call : calls) {
      PermanentProviderException e = permanentFailure(Kind.UNSUPPORTED, call::run);

      assertThat(e.getMessage()).containsAnyOf("MANAGE_NS", "PUBLISH_CSYNC");
    }
    ZoneKeySnapshot after = provider().read(zone());
    assertThat(after.ns()).isEqualTo(before.ns());
    assertThat(after.csync()).isEqualTo(before.csync());
  }

  /** {@code call} fails permanently with {@code kind}, naming zone and provider. */
  private PermanentProviderException permanentFailure(Kind kind, ThrowingCallable call) {
    PermanentProviderException e = catchThrowableOfType(PermanentProviderException.class, call);

    assertThat(e).as("a permanent " + kind + " failure").isNotNull();
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.getMessage()).contains("zone=" + zone()).contains("provider=" + provider().id());
    return e;
  }

  /** Some RRSIG over {@code type} verifies with one of the provider's own keys (dnsjava). */
  protected void assertVerifiesWithOwnKey(ZoneKeySnapshot s, int type) throws Exception {
    RRset rrset = s.rrset(type);
    List<RRSIGRecord> sigs = s.signaturesOver(type);
    assertThat(sigs).as("RRSIGs over " + Type.string(type)).isNotEmpty();
    int verified = 0;
    for (RRSIGRecord sig : sigs) {
      for (DNSKEYRecord key : s.ownKeys()) {
        if (key.getFootprint() == sig.getFootprint() && key.getAlgorithm() == sig.getAlgorithm()) {
          DNSSEC.verify(rrset, sig, key, Instant.now());
          verified++;
        }
      }
    }
    assertThat(verified).as("RRSIGs over " + Type.string(type) + " by own keys").isPositive();
  }
}
