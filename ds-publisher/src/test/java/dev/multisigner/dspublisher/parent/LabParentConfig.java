package dev.multisigner.dspublisher.parent;

import dev.multisigner.lab.dns.BindParent;

/** The ds-publisher's configuration of the lab's BIND parent, for tests. */
public final class LabParentConfig {

  private LabParentConfig() {}

  /**
   * Parent "lab" with the lab's TSIG key (but {@code secret}), trust anchor and 60 s DS and NS
   * TTLs.
   */
  public static ParentConfig of(BindParent p, String secret) {
    ParentConfig c = new ParentConfig("lab");
    c.setZone(p.zone().toString());
    c.setServer("127.0.0.1:" + p.dnsAddress().getPort());
    c.setTsigKeyName(p.tsig().name());
    c.setTsigAlgorithm(p.tsig().algorithm());
    c.setTsigSecret(secret);
    c.setTrustAnchor(p.trustAnchor().get(0).rdataToString());
    c.setDsTtl(60);
    c.setNsTtl(60);
    return c;
  }
}
