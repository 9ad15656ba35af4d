package dev.multisigner.providers.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.TestKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/** When the key manager is asked, and what its listing and the answer's signatures tell. */
class KeyManagerListingTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final Name NAME = ZONE.toName();

  private final DNSKEYRecord ksk = TestKeys.ksk(NAME);
  private final DNSKEYRecord zsk = TestKeys.zsk(NAME);
  private final DNSKEYRecord prePublished = TestKeys.zsk(NAME);
  private final DNSKEYRecord foreign = TestKeys.zsk(NAME);
  private final List<ZoneName> asked = new ArrayList<>();

  /** The key manager holds the KSK, the ZSK and the pre-published ZSK; not the foreign key. */
  private Set<Integer> keymgr(ZoneName zone) {
    asked.add(zone);
    return Set.of(ksk.getFootprint(), zsk.getFootprint(), prePublished.getFootprint());
  }

  private static Set<Integer> tags(DNSKEYRecord... keys) {
    Set<Integer> out = new java.util.HashSet<>();
    for (DNSKEYRecord k : keys) {
      out.add(k.getFootprint());
    }
    return out;
  }

  @Test
  void whenEveryServedKeySignsNoListingIsNeededNotEvenAfresh() {
    KeyManagerListing listing = new KeyManagerListing(this::keymgr, 10, true);

    assertThat(listing.afresh().own(ZONE, List.of(ksk, zsk), tags(ksk, zsk)))
        .containsExactlyInAnyOrder(ksk, zsk);
    assertThat(listing.own(ZONE, List.of(ksk, zsk), tags(ksk, zsk)))
        .containsExactlyInAnyOrder(ksk, zsk);

    assertThat(asked).isEmpty();
    assertThat(listing.listings()).isZero();
    assertThat(listing.allSigning()).isEqualTo(2);
  }

  @Test
  void aKeyThatSignsNothingIsListedSoAPrePublishedOwnKeyAndAForeignOneAreTold() {
    KeyManagerListing listing = new KeyManagerListing(this::keymgr, 10, true);

    Set<DNSKEYRecord> own =
        listing.own(ZONE, List.of(ksk, zsk, prePublished, foreign), tags(ksk, zsk));

    assertThat(own).containsExactlyInAnyOrder(ksk, zsk, prePublished);
    assertThat(asked).containsExactly(ZONE);
    // the same keys again: the listing is reused
    assertThat(listing.own(ZONE, List.of(ksk, zsk, prePublished, foreign), tags(ksk, zsk)))
        .containsExactlyInAnyOrder(ksk, zsk, prePublished);
    assertThat(asked).hasSize(1);
    assertThat(listing.reuses()).isEqualTo(1);
  }

  @Test
  void anOfflineKskSignerListsEvenWhenEveryKeySigns() {
    KeyManagerListing listing = new KeyManagerListing(this::keymgr, 10, false);
    // the owner's KSK signs the DNSKEY RRset at this signer, which holds only the ZSK
    DNSKEYRecord ownersKsk = TestKeys.ksk(NAME);

    Set<DNSKEYRecord> own =
        listing.afresh().own(ZONE, List.of(ownersKsk, zsk), tags(ownersKsk, zsk));

    assertThat(own).containsExactly(zsk);
    assertThat(asked).containsExactly(ZONE);
    assertThat(listing.allSigning()).isZero();
  }

  @Test
  void anEmptyDnskeyRrsetIsListed() {
    KeyManagerListing listing = new KeyManagerListing(this::keymgr, 10, true);

    assertThat(listing.afresh().own(ZONE, List.of(), Set.of())).isEmpty();

    assertThat(asked).containsExactly(ZONE);
  }

  @Test
  void aKeyThatSignsNothingAndAnotherSignerListsAsItsOwnNeedsNoListingAfreshOrNot() {
    KeyManagerListing listing = new KeyManagerListing(this::keymgr, 10, true);
    List<DNSKEYRecord> served = List.of(ksk, zsk, foreign);

    assertThat(listing.knowing(Set.of(foreign)).own(ZONE, served, tags(ksk, zsk)))
        .containsExactlyInAnyOrder(ksk, zsk);
    assertThat(listing.afresh().knowing(Set.of(foreign)).own(ZONE, served, tags(ksk, zsk)))
        .containsExactlyInAnyOrder(ksk, zsk);
    assertThat(listing.knowing(Set.of(foreign)).afresh().own(ZONE, served, tags(ksk, zsk)))
        .containsExactlyInAnyOrder(ksk, zsk);

    assertThat(asked).isEmpty();
    assertThat(listing.listedElsewhere()).isEqualTo(3);
    // a key that signs here is this signer's, whoever else lists it
    assertThat(listing.knowing(Set.of(zsk, foreign)).own(ZONE, served, tags(ksk, zsk)))
        .containsExactlyInAnyOrder(ksk, zsk);
    // told nothing, the same answer needs the key manager
    assertThat(listing.own(ZONE, served, tags(ksk, zsk))).containsExactlyInAnyOrder(ksk, zsk);
    assertThat(asked).containsExactly(ZONE);
  }

  @Test
  void aKeyThatSignsNothingAndNoOtherSignerListsIsStillListed() {
    KeyManagerListing listing = new KeyManagerListing(this::keymgr, 10, true);

    Set<DNSKEYRecord> own =
        listing
            .afresh()
            .knowing(Set.of(foreign))
            .own(ZONE, List.of(ksk, zsk, prePublished, foreign), tags(ksk, zsk));

    assertThat(own).as("the pre-published ZSK is told by the listing").contains(prePublished);
    assertThat(own).containsExactlyInAnyOrder(ksk, zsk, prePublished);
    assertThat(asked).containsExactly(ZONE);
    assertThat(listing.listedElsewhere()).isZero();
  }

  @Test
  void anOfflineKskSignerListsWhateverOtherSignersList() {
    KeyManagerListing listing = new KeyManagerListing(this::keymgr, 10, false);
    DNSKEYRecord ownersKsk = TestKeys.ksk(NAME);

    Set<DNSKEYRecord> own =
        listing
            .knowing(Set.of(foreign, ownersKsk))
            .own(ZONE, List.of(ownersKsk, zsk, foreign), tags(ownersKsk, zsk));

    assertThat(own).containsExactly(zsk);
    assertThat(asked).containsExactly(ZONE);
  }
}
