package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ZoneKeySnapshot.OwnKeySource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class ProviderPlannerTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final Name APEX = ZONE.toName();
  private static final SignerId KNOT = SignerId.of("knot-a");
  private static final Capabilities ALL =
      Capabilities.builder()
          .can(Capability.IMPORT_FOREIGN_DNSKEY)
          .can(Capability.PUBLISH_CDS_CDNSKEY)
          .build();

  private final DNSKEYRecord ownKsk = TestKeys.ksk(APEX);
  private final DNSKEYRecord ownZsk = TestKeys.zsk(APEX);
  private final DNSKEYRecord foreignA = TestKeys.zsk(APEX);
  private final DNSKEYRecord foreignB = TestKeys.zsk(APEX);
  private final DNSKEYRecord foreignKsk = TestKeys.ksk(APEX);
  private final ProviderPlanner planner = new ProviderPlanner();

  private ZoneKeySnapshot served(List<DNSKEYRecord> foreign) {
    List<DNSKEYRecord> keys = new java.util.ArrayList<>(List.of(ownKsk, ownZsk));
    keys.addAll(foreign);
    return new ZoneKeySnapshot(
        ZONE,
        KNOT,
        keys,
        List.of(TestKeys.cds(ownKsk)),
        List.of(TestKeys.cdnskey(ownKsk)),
        List.of(),
        Optional.empty(),
        List.of(),
        Set.of(ownKsk, ownZsk),
        OwnKeySource.DECLARED);
  }

  @Test
  void addsBeforeRemovesOneLinePerChange() {
    DesiredKeys desired =
        new DesiredKeys(
            Set.of(foreignB),
            Set.of(TestKeys.cds(foreignKsk)),
            Set.of(TestKeys.cdnskey(foreignKsk)));

    ProviderPlan plan = planner.plan(desired, served(List.of(foreignA)), ALL);

    assertThat(plan.lines()).hasSize(4);
    assertThat(plan.lines().get(0)).startsWith("+ example.test. DNSKEY 256 3 13 ");
    assertThat(plan.lines().get(1)).startsWith("+ example.test. CDNSKEY 257 3 13 ");
    assertThat(plan.lines().get(2)).startsWith("+ example.test. CDS " + foreignKsk.getFootprint());
    assertThat(plan.lines().get(3))
        .startsWith("- example.test. DNSKEY 256 3 13 ")
        .endsWith("; tag " + foreignA.getFootprint());
  }

  @Test
  void neverTouchesTheProvidersOwnKeysOrTheCdsItDerivesFromThem() {
    ProviderPlan plan = planner.plan(DesiredKeys.none(), served(List.of()), ALL);

    assertThat(plan.isEmpty()).isTrue();
    assertThat(plan.render()).contains("(nothing to do)");
  }

  @Test
  void theHashIsStableAndFollowsTheContent() {
    DesiredKeys desired = DesiredKeys.foreign(Set.of(foreignA, foreignB));
    ProviderPlan one = planner.plan(desired, served(List.of()), ALL);
    ProviderPlan two = planner.plan(desired, served(List.of()), ALL);
    ProviderPlan other =
        planner.plan(DesiredKeys.foreign(Set.of(foreignA)), served(List.of()), ALL);

    assertThat(one.hash()).isEqualTo(two.hash()).hasSize(16);
    assertThat(one.lines()).isEqualTo(two.lines());
    assertThat(other.hash()).isNotEqualTo(one.hash());
  }

  @Test
  void refusesToApplyAPlanWhoseHashWasNotReviewed() {
    ProviderPlan plan = planner.plan(DesiredKeys.foreign(Set.of(foreignA)), served(List.of()), ALL);

    assertThatThrownBy(() -> planner.apply(null, plan, "0000000000000000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(plan.hash())
        .hasMessageContaining("knot-a");
  }

  @Test
  void isStrictAboutWhatTheProviderCannotDo() {
    Capabilities importOnly =
        Capabilities.builder()
            .can(Capability.IMPORT_FOREIGN_DNSKEY)
            .cannot(Capability.PUBLISH_CDS_CDNSKEY, "no CDS type in the API")
            .build();
    DesiredKeys desired =
        DesiredKeys.foreign(Set.of(foreignA)).withCds(Set.of(TestKeys.cds(foreignKsk)), Set.of());

    assertThatThrownBy(() -> planner.plan(desired, served(List.of()), importOnly))
        .isInstanceOf(ProviderException.PermanentProviderException.class)
        .hasMessageContaining("zone=example.test.")
        .hasMessageContaining("provider=knot-a")
        .hasMessageContaining("PUBLISH_CDS_CDNSKEY")
        .hasMessageContaining("no CDS type in the API");
  }

  @Test
  void withOwnKeysOnlyInferredItRemovesOnlyKeysKnownToBeForeign() {
    DNSKEYRecord prePublished = TestKeys.zsk(APEX); // the signer's next ZSK, not signing yet
    ZoneKeySnapshot inferred =
        new ZoneKeySnapshot(
            ZONE,
            KNOT,
            List.of(ownKsk, ownZsk, prePublished, foreignA),
            List.of(),
            List.of(),
            List.of(),
            Optional.empty(),
            List.of(),
            Set.of(ownKsk, ownZsk),
            OwnKeySource.SIGNATURES);

    ProviderPlan plan =
        planner.plan(DesiredKeys.none().withWithdrawable(Set.of(foreignA)), inferred, ALL);

    assertThat(plan.changes()).containsExactly(new PlanChange(PlanChange.Action.REMOVE, foreignA));
  }

  @Test
  void keysGivenWithAnotherOwnerLandAtTheApex() {
    DNSKEYRecord elsewhere = (DNSKEYRecord) foreignA.withName(Name.fromConstantString("x.test."));

    ProviderPlan plan =
        planner.plan(DesiredKeys.foreign(Set.of(elsewhere)), served(List.of()), ALL);

    assertThat(plan.changes())
        .singleElement()
        .satisfies(c -> assertThat(c.record()).isEqualTo(foreignA));
  }

  @Test
  void nsAndCsyncChangesComeAfterKeyAddsAndBeforeKeyRemovesWithoutATag() {
    NSRecord ns = new NSRecord(APEX, DClass.IN, 60, Name.fromConstantString("ns1.knot-a.test."));
    NSRecord oldNs =
        new NSRecord(APEX, DClass.IN, 60, Name.fromConstantString("ns1.example.test."));
    CSYNCRecord csync = CSYNCRecord.of(APEX, 60, 0, CSYNCRecord.Flags.IMMEDIATE, Type.NS);
    CSYNCRecord oldCsync = CSYNCRecord.of(APEX, 60, 7, CSYNCRecord.Flags.SOA_MINIMUM, Type.NS);

    ProviderPlan plan =
        new ProviderPlan(
            served(List.of(foreignA)),
            List.of(
                new PlanChange(PlanChange.Action.REMOVE, foreignA),
                new PlanChange(PlanChange.Action.REMOVE, oldNs),
                new PlanChange(PlanChange.Action.ADD, csync),
                new PlanChange(PlanChange.Action.REMOVE, oldCsync),
                new PlanChange(PlanChange.Action.ADD, ns),
                new PlanChange(PlanChange.Action.ADD, foreignB)));

    assertThat(plan.lines())
        .containsExactly(
            "+ example.test. DNSKEY "
                + foreignB.rdataToString()
                + " ; tag "
                + foreignB.getFootprint(),
            "+ example.test. NS ns1.knot-a.test.",
            "+ example.test. CSYNC 0 1 NS",
            "- example.test. CSYNC 7 2 NS",
            "- example.test. NS ns1.example.test.",
            "- example.test. DNSKEY "
                + foreignA.rdataToString()
                + " ; tag "
                + foreignA.getFootprint());
  }

  @Test
  void nsAndCsyncChangesNeedTheirCapabilities() {
    ProviderPlan ns =
        new ProviderPlan(
            served(List.of()),
            List.of(
                new PlanChange(
                    PlanChange.Action.ADD,
                    new NSRecord(APEX, DClass.IN, 60, Name.fromConstantString("ns.x.test.")))));
    ProviderPlan csync =
        new ProviderPlan(
            served(List.of()),
            List.of(
                new PlanChange(
                    PlanChange.Action.ADD, CSYNCRecord.of(APEX, 60, 0, 1, Type.NS, Type.A))));

    assertThatThrownBy(() -> ProviderPlanner.requireCapabilities(ns, ALL))
        .isInstanceOf(ProviderException.PermanentProviderException.class)
        .hasMessageContaining("zone=example.test.")
        .hasMessageContaining("MANAGE_NS");
    assertThatThrownBy(() -> ProviderPlanner.requireCapabilities(csync, ALL))
        .hasMessageContaining("PUBLISH_CSYNC");
    Capabilities nsAndCsync =
        Capabilities.builder().can(Capability.MANAGE_NS).can(Capability.PUBLISH_CSYNC).build();
    ProviderPlanner.requireCapabilities(ns, nsAndCsync);
    ProviderPlanner.requireCapabilities(csync, nsAndCsync);
  }

  @Test
  void aPlanChangesOnlyTheApexRrsetsItKnows() {
    assertThatThrownBy(
            () ->
                new PlanChange(
                    PlanChange.Action.ADD,
                    new ARecord(APEX, DClass.IN, 60, java.net.InetAddress.getLoopbackAddress())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DNSKEY, CDS, CDNSKEY, NS or CSYNC");
  }

  @Test
  void theOldSnapshotConstructorServesNoCsync() {
    assertThat(served(List.of()).csync()).isEmpty();
    assertThat(served(List.of()).rrset(Type.CSYNC).size()).isZero();
  }
}
