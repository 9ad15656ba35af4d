package dev.multisigner.coordinator.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.decide.Output;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.modelone.FileOwnerKsk;
import dev.multisigner.providers.modelone.SkrSigner;
import dev.multisigner.schemas.avro.DnskeyRrsetSigned;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.InstallSignedDnskeyRrset;
import dev.multisigner.schemas.avro.KeySigningRequested;
import dev.multisigner.schemas.avro.Rrsig;
import dev.multisigner.schemas.avro.SignDnskeyRrset;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.SignerObservation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/**
 * Model 1 through the log: the decider's SignDnskeyRrset and InstallSignedDnskeyRrset become
 * commands, the holder's answer (its signatures on SignerCommandApplied) and a member's key signing
 * request become the decider's inputs, and the signatures the decider carries as "over DNSKEY" go
 * to the member with the RR type each really covers.
 */
class ModelOneMappingTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @TempDir Path dir;

  @Test
  void signInstallAndKeySigningRequestRoundTripWithTheCoveredTypes() throws Exception {
    FileOwnerKsk ksk =
        FileOwnerKsk.generate(
            ZONE.toName(), DNSSEC.Algorithm.ECDSAP256SHA256, dir.resolve("k.pem"));
    FileOwnerKsk zsk =
        FileOwnerKsk.generate(
            ZONE.toName(), DNSSEC.Algorithm.ECDSAP256SHA256, dir.resolve("z.pem"));
    DNSKEYRecord zskRecord =
        new DNSKEYRecord(
            ZONE.toName(),
            org.xbill.DNS.DClass.IN,
            60,
            DNSKEYRecord.Flags.ZONE_KEY,
            DNSKEYRecord.Protocol.DNSSEC,
            zsk.algorithm(),
            zsk.dnskey(60).getKey());
    List<KeyData> keys = List.of(KeyData.of(ksk.dnskey(60)), KeyData.of(zskRecord));
    Envelope env = new Envelope("e1", ZONE.value(), NOW, "test", null, null);

    SignerCommand sign =
        OutputMapper.command(
            env,
            new Output.SignDnskeyRrset("c1", SignerId.of("owner"), SignerId.of("knot-a"), keys),
            60);
    assertThat(sign.getSignerId()).isEqualTo("owner");
    SignDnskeyRrset s = (SignDnskeyRrset) sign.getCommand();
    assertThat(s.getForSigner()).isEqualTo("knot-a");
    assertThat(s.getKeys()).hasSize(2);

    List<RRSIGRecord> made = new ArrayList<>();
    SkrSigner.sign(
            ksk,
            List.of(zskRecord),
            new SkrSigner.Schedule(
                60, Duration.ofMinutes(10), 2, Duration.ofMinutes(30), Duration.ofMinutes(5)),
            NOW)
        .sections()
        .forEach(x -> made.addAll(x.rrsigs()));
    List<Rrsig> avro =
        made.stream()
            .map(
                r ->
                    new Rrsig(
                        r.getTypeCovered(),
                        r.getFootprint(),
                        r.getAlgorithm(),
                        r.getOrigTTL(),
                        r.getTimeSigned(),
                        r.getExpire(),
                        java.nio.ByteBuffer.wrap(r.getSignature())))
            .toList();
    SignerCommandResult answer =
        new SignerCommandResult(
            env,
            "c1",
            "owner",
            new SignerCommandApplied(
                "signed", new DnskeyRrsetSigned("knot-a", s.getKeys(), avro), true, null));
    ZoneInput.DnskeyRrsetSigned signed =
        (ZoneInput.DnskeyRrsetSigned) InputMapper.result(ZONE, answer);
    assertThat(signed.commandId()).isEqualTo("c1");
    assertThat(signed.signer()).isEqualTo(SignerId.of("knot-a"));
    assertThat(signed.keys()).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(signed.rrsigs()).hasSize(6);

    SignerCommand install =
        OutputMapper.command(
            env,
            new Output.InstallSignedDnskeyRrset(
                "c2", SignerId.of("knot-a"), signed.keys(), signed.rrsigs()),
            60);
    List<Integer> types =
        ((InstallSignedDnskeyRrset) install.getCommand())
            .getRrsigs().stream().map(Rrsig::getTypeCovered).toList();
    assertThat(types)
        .containsExactlyInAnyOrderElementsOf(
            made.stream().map(RRSIGRecord::getTypeCovered).toList())
        .contains(Type.DNSKEY, Type.CDS, Type.CDNSKEY);

    // a signature over something else is sent as DNSKEY, for the member's check to refuse
    RrsigData foreign =
        new RrsigData(
            ksk.dnskey(60).getFootprint(), 13, 60, NOW, NOW.plusSeconds(600), new byte[64]);
    assertThat(OutputMapper.rrsigs(ZONE, keys, List.of(foreign), 60))
        .singleElement()
        .satisfies(r -> assertThat(r.getTypeCovered()).isEqualTo(Type.DNSKEY));

    SignerObservation ksr =
        new SignerObservation(
            env,
            "knot-a",
            new KeySigningRequested(NOW, List.of(OutputMapper.dnskey(KeyData.of(zskRecord)))));
    ZoneInput.KeySigningRequested in =
        (ZoneInput.KeySigningRequested) InputMapper.observation(ZONE, ksr);
    assertThat(in.signer()).isEqualTo(SignerId.of("knot-a"));
    assertThat(in.requestedAt()).isEqualTo(NOW);
    assertThat(in.zsks()).containsExactly(KeyData.of(zskRecord));
  }
}
