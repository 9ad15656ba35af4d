package dev.multisigner.domain.decide;

import dev.multisigner.domain.model.CsyncData;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.SignerId;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the shell must do after a decision. Every command and request carries an id derived from the
 * zone's state (zone + sequence number) and is idempotent: applying it twice changes nothing.
 */
public sealed interface Output {

  /** Add these foreign DNSKEYs (no private key) to the signer's DNSKEY RRset. */
  record ImportDnskeys(String commandId, SignerId signer, List<KeyData> keys) implements Output {
    public ImportDnskeys {
      keys = List.copyOf(keys);
    }
  }

  /** Remove these foreign DNSKEYs from the signer's DNSKEY RRset. */
  record WithdrawDnskeys(String commandId, SignerId signer, List<KeyData> keys) implements Output {
    public WithdrawDnskeys {
      keys = List.copyOf(keys);
    }
  }

  /** Replace the signer's CDS and CDNSKEY RRsets (identical at every signer, RFC 9975). */
  record PublishCdsCdnskey(
      String commandId, SignerId signer, List<DsData> cds, List<KeyData> cdnskeys)
      implements Output {
    public PublishCdsCdnskey {
      cds = List.copyOf(cds);
      cdnskeys = List.copyOf(cdnskeys);
    }
  }

  /**
   * Replace the zone's apex NS RRset at the signer (draft-ietf-dnsop-dnssec-automation "Signer
   * joins" step 10, "Signer leaves" step 1); the same set at every signer.
   */
  record PublishNs(String commandId, SignerId signer, List<String> nameservers) implements Output {
    public PublishNs {
      nameservers = List.copyOf(nameservers);
    }
  }

  /**
   * Make the signer serve exactly this CSYNC record at the apex (RFC 7477; draft "Signer joins"
   * step 11, "Signer leaves" step 2): the same record at every signer, and only while every signer
   * serves the same apex NS RRset.
   */
  record PublishCsync(String commandId, SignerId signer, CsyncData csync) implements Output {}

  /** Remove the signer's CSYNC RRset (draft "Signer joins" step 13, "Signer leaves" step 4). */
  record WithdrawCsync(String commandId, SignerId signer) implements Output {}

  /**
   * Model 1 (RFC 8901 §2.1.1): ask the KSK holder to sign this DNSKEY RRset (the group's KSK plus
   * every member's ZSK) for {@code signer}; the holder answers with {@link
   * ZoneInput.DnskeyRrsetSigned} carrying the same command id.
   */
  record SignDnskeyRrset(String commandId, SignerId holder, SignerId signer, List<KeyData> keys)
      implements Output {
    public SignDnskeyRrset {
      keys = List.copyOf(keys);
    }
  }

  /**
   * Model 1: replace the signer's DNSKEY RRset with exactly these keys and the KSK holder's RRSIGs
   * over them (Knot: SKR import; PowerDNS 5: published DNSKEYs with direct-dnskey-signature).
   */
  record InstallSignedDnskeyRrset(
      String commandId, SignerId signer, List<KeyData> keys, List<RrsigData> rrsigs)
      implements Output {
    public InstallSignedDnskeyRrset {
      keys = List.copyOf(keys);
      rrsigs = List.copyOf(rrsigs);
    }
  }

  /** Ask the signer to start a rollover of one of its own keys (its own timing applies). */
  record RollSignerKey(String commandId, SignerId signer, KeyRole role) implements Output {}

  /**
   * Ask the ds-publisher to make the parent's DS RRset exactly this set, through these channels
   * (with only scanning channels it watches the parent and reports).
   */
  record RequestDsChange(String requestId, List<DsData> ds, Set<ParentChannel> channels)
      implements Output {
    public RequestDsChange {
      ds = List.copyOf(ds);
      channels = Set.copyOf(channels);
    }
  }

  /**
   * Ask the ds-publisher to make the parent's NS RRset (the delegation) exactly this set, through
   * these channels (with {@link ParentChannel#CSYNC_SCAN} alone the parent copies it from the
   * signers' CSYNC and the ds-publisher only watches).
   */
  record RequestNsChange(String requestId, List<String> nameservers, Set<ParentChannel> channels)
      implements Output {
    public RequestNsChange {
      nameservers = List.copyOf(nameservers);
      channels = Set.copyOf(channels);
    }
  }

  /** Call decide with a WakeUp at (or soon after) this instant; replaces any earlier WakeAt. */
  record WakeAt(Instant at) implements Output {}

  /** One line for the audit log. */
  record ZoneEvent(ZoneEventKind kind, String text) implements Output {}
}
