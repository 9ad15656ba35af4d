package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static dev.multisigner.domain.decide.JoinTimelines.observedB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.*;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A zone that both signers already serve but the parent holds no DS for (insecure): the first
 * CDS/DS would make it secure, so it waits until each signer serves the other's ZSK and
 * DNSKEY-Wait-Time has passed (RFC 8901 §5.2 and §6; draft-ietf-dnsop-dnssec-automation "Signer
 * joins", step 3 before steps 4-6). Found by the lab demo: the DS reached BIND before the imports.
 */
class InsecureStartTimelineTest {

  @Test
  void publishesTheFirstCdsAndDsOnlyAfterTheCrossImportAndTheDnskeyWait() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B))));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A), ns(B))));
    t.at(1, new ParentDsObserved(ZONE, List.of()));

    List<String> first =
        new java.util.ArrayList<>(t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of())));
    first.addAll(t.at(3, observedB(3, List.of(B_KSK, B_ZSK), List.of())));
    assertThat(first).anyMatch(l -> l.startsWith("import"));
    assertThat(first).noneMatch(InsecureStartTimelineTest::parentSide);
    // Signing with a ZSK the other signer lacks is harmless while no DS makes the zone secure.
    assertThat(first).noneMatch(l -> l.startsWith("UNSAFE_SIGNING_OBSERVED"));

    List<String> imported =
        new java.util.ArrayList<>(t.at(5, observedA(5, List.of(A_KSK, A_ZSK, B_ZSK), List.of())));
    imported.addAll(t.at(6, observedB(6, List.of(B_KSK, B_ZSK, A_ZSK), List.of())));
    // Cross-published at 6 s; DNSKEY-Wait-Time is 60 s TTL + 2 s propagation.
    assertThat(imported).noneMatch(InsecureStartTimelineTest::parentSide);
    assertThat(imported).contains("wake +68s");

    assertThat(t.at(67, new WakeUp(ZONE))).noneMatch(InsecureStartTimelineTest::parentSide);
    List<String> due = t.at(68, new WakeUp(ZONE));
    assertThat(due).anyMatch(l -> l.startsWith("cds #")).anyMatch(l -> l.startsWith("ds #"));
  }

  /**
   * The parent watch reports a zone's NS set before its DS set. A signer observed in between, on a
   * zone whose parent holds no DS, is not signing unsafely: nothing says validators validate the
   * zone yet. Once the DS set is known to be non-empty, the same signing is reported.
   */
  @Test
  void reportsUnsafeSigningOnlyOnceTheParentsDsSetIsKnownToMakeTheZoneSecure() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B))));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A), ns(B))));

    List<String> dsUnknown =
        new java.util.ArrayList<>(t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of())));
    dsUnknown.addAll(t.at(3, observedB(3, List.of(B_KSK, B_ZSK), List.of())));
    assertThat(dsUnknown).noneMatch(l -> l.startsWith("UNSAFE_SIGNING_OBSERVED"));

    assertThat(t.at(4, new ParentDsObserved(ZONE, List.of()))).isNotEmpty();
    assertThat(t.at(5, observedA(5, List.of(A_KSK, A_ZSK), List.of())))
        .noneMatch(l -> l.startsWith("UNSAFE_SIGNING_OBSERVED"));

    // A DS for knot-a's KSK makes the zone secure while pdns-b still lacks knot-a's ZSK.
    t.at(6, new ParentDsObserved(ZONE, dsSet(A_KSK)));
    assertThat(t.at(7, observedA(7, List.of(A_KSK, A_ZSK), List.of())))
        .contains(
            "UNSAFE_SIGNING_OBSERVED: signer=knot-a signs with "
                + A_ZSK.keyTag()
                + " which pdns-b does not serve yet: resolvers holding pdns-b's DNSKEY RRset fail"
                + " to validate (RFC 8901 §6)");
  }

  @Test
  void aZoneWithADsAlreadyAtTheParentIsNotHeldBack() {
    Timeline t = JoinTimelines.enrolledAndParentSeen();
    List<String> out = t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK)));
    assertThat(out).anyMatch(l -> l.startsWith("cds #"));
  }

  private static boolean parentSide(String line) {
    return line.startsWith("cds #")
        || line.startsWith("ds #")
        || line.startsWith("DS_CHANGE_REQUESTED")
        || line.startsWith("CDS_PUBLICATION_REQUESTED");
  }
}
