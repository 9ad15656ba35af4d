package dev.multisigner.providers.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.CSYNCRecord;
import dev.multisigner.providers.PlanChange;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.TestKeys;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.ZoneKeySnapshot.OwnKeySource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

class Rfc2136ConverterTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final Name APEX = ZONE.toName();
  private final DNSKEYRecord ksk = TestKeys.ksk(APEX);
  private final DNSKEYRecord zsk = TestKeys.zsk(APEX);

  private ZoneKeySnapshot basis(List<DNSKEYRecord> keys) {
    return basis(keys, List.of(), List.of());
  }

  private ZoneKeySnapshot basis(
      List<DNSKEYRecord> keys, List<NSRecord> ns, List<CSYNCRecord> csync) {
    return new ZoneKeySnapshot(
        ZONE,
        SignerId.of("knot-a"),
        keys,
        List.of(),
        List.of(),
        ns,
        Optional.empty(),
        List.of(),
        Set.of(ksk, zsk),
        OwnKeySource.SIGNATURES,
        csync);
  }

  private static NSRecord ns(String target, long ttl) {
    return new NSRecord(APEX, DClass.IN, ttl, Name.fromConstantString(target));
  }

  @Test
  void pinsTheExactDnskeyRrsetReadWithTtlZeroAndAddsAtTheServedTtl() {
    DNSKEYRecord foreign =
        (DNSKEYRecord)
            Record.newRecord(
                APEX, Type.DNSKEY, DClass.IN, 3600, TestKeys.zsk(APEX).rdataToWireCanonical());
    ProviderPlan plan =
        new ProviderPlan(
            basis(List.of(ksk, zsk)), List.of(new PlanChange(PlanChange.Action.ADD, foreign)));

    Update u = Rfc2136Converter.toUpdate(plan);

    List<Record> prereq = u.getSection(Section.PREREQ);
    assertThat(prereq).containsExactlyInAnyOrder(ksk, zsk);
    assertThat(prereq).allSatisfy(r -> assertThat(r.getTTL()).isZero());
    assertThat(prereq).allSatisfy(r -> assertThat(r.getDClass()).isEqualTo(DClass.IN));
    List<Record> updates = u.getSection(Section.UPDATE);
    assertThat(updates).containsExactly(foreign);
    assertThat(updates.get(0).getTTL()).isEqualTo(TestKeys.TTL);
    assertThat(updates.get(0).getDClass()).isEqualTo(DClass.IN);
  }

  @Test
  void requiresAnEmptyRrsetToStayEmptyAndDeletesSingleRecords() {
    DNSKEYRecord foreignKsk = TestKeys.ksk(APEX);
    ProviderPlan plan =
        new ProviderPlan(
            basis(List.of(ksk, zsk)),
            List.of(
                new PlanChange(PlanChange.Action.ADD, TestKeys.cds(foreignKsk)),
                new PlanChange(PlanChange.Action.REMOVE, TestKeys.cdnskey(foreignKsk))));

    Update u = Rfc2136Converter.toUpdate(plan);

    List<Record> prereq = u.getSection(Section.PREREQ);
    assertThat(prereq)
        .extracting(Record::getType)
        .containsExactlyInAnyOrder(Type.CDNSKEY, Type.CDS);
    assertThat(prereq).allSatisfy(r -> assertThat(r.getDClass()).isEqualTo(DClass.NONE));
    List<Record> updates = u.getSection(Section.UPDATE);
    assertThat(updates).hasSize(2);
    assertThat(updates.get(0).getType()).isEqualTo(Type.CDS);
    assertThat(updates.get(0).getDClass()).isEqualTo(DClass.IN);
    assertThat(updates.get(1).getType()).isEqualTo(Type.CDNSKEY);
    assertThat(updates.get(1).getDClass()).as("delete one RR: class NONE").isEqualTo(DClass.NONE);
    assertThat(u.getSection(Section.PREREQ)).noneMatch(r -> r.getType() == Type.DNSKEY);
  }

  @Test
  void pinsTheApexNsRrsetAndAddsNewNameserversBeforeRemovingOldOnes() {
    NSRecord old1 = ns("ns1.example.test.", 60);
    NSRecord old2 = ns("ns2.example.test.", 60);
    NSRecord added = ns("ns1.knot-a.test.", 60);
    ProviderPlan plan =
        new ProviderPlan(
            basis(List.of(ksk, zsk), List.of(old1, old2), List.of()),
            List.of(
                new PlanChange(PlanChange.Action.REMOVE, old1),
                new PlanChange(PlanChange.Action.ADD, added),
                new PlanChange(PlanChange.Action.REMOVE, old2)));

    Update u = Rfc2136Converter.toUpdate(plan);

    List<Record> prereq = u.getSection(Section.PREREQ);
    assertThat(prereq).containsExactlyInAnyOrder(old1, old2);
    assertThat(prereq).allSatisfy(r -> assertThat(r.getTTL()).isZero());
    List<Record> updates = u.getSection(Section.UPDATE);
    assertThat(updates)
        .extracting(Record::rdataToString)
        .containsExactly("ns1.knot-a.test.", "ns1.example.test.", "ns2.example.test.");
    assertThat(updates.get(0)).isEqualTo(added);
    assertThat(updates.get(0).getTTL()).isEqualTo(60);
    assertThat(updates.subList(1, 3))
        .as("delete one RR each: class NONE")
        .allMatch(r -> r.getDClass() == DClass.NONE && r.getType() == Type.NS);
  }

  @Test
  void aFirstCsyncRequiresThatNoneIsServedAndKeepsItsTtl() {
    CSYNCRecord csync =
        CSYNCRecord.of(APEX, 300, 0, CSYNCRecord.Flags.IMMEDIATE, Type.NS, Type.A, Type.AAAA);
    ProviderPlan plan =
        new ProviderPlan(
            basis(List.of(ksk, zsk)), List.of(new PlanChange(PlanChange.Action.ADD, csync)));

    Update u = Rfc2136Converter.toUpdate(plan);

    assertThat(u.getSection(Section.PREREQ))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getType()).isEqualTo(Type.CSYNC);
              assertThat(r.getDClass()).isEqualTo(DClass.NONE);
            });
    assertThat(u.getSection(Section.UPDATE))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r).isEqualTo(csync);
              assertThat(r.getTTL()).isEqualTo(300);
              assertThat(r.rdataToString()).isEqualTo("0 1 A NS AAAA");
            });
  }
}
