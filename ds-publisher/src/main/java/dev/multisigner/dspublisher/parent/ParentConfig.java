package dev.multisigner.dspublisher.parent;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import java.time.Duration;
import java.util.List;

/**
 * One parent zone, from {@code multisigner.ds-publisher.parents.<name>}: one that accepts DS and
 * delegation NS updates (with a TSIG key), or one that takes DS changes from the signers' CDS
 * (without one; {@code notify-cds} to notify it, RFC 9859). The TSIG secret comes from {@code
 * tsig-secret-file} or {@code tsig-secret} (an environment variable in production); it is never
 * logged or put in an event.
 */
@EachProperty("multisigner.ds-publisher.parents")
public class ParentConfig {

  private final String name;
  private String zone;
  private String server;
  private String tsigKeyName;
  private String tsigAlgorithm = "hmac-sha256";
  private String tsigSecret;
  private String tsigSecretFile;
  private String trustAnchor;
  private List<String> verifyServers = List.of();
  private int dsTtl = 3600;
  private int nsTtl = 3600;
  private Duration timeout = Duration.ofSeconds(3);
  private boolean notifyCds;
  private int notifyAttempts = 4;
  private Duration notifyBackoff = Duration.ofSeconds(1);

  public ParentConfig(@Parameter String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public String getZone() {
    return zone;
  }

  public void setZone(String zone) {
    this.zone = zone;
  }

  public String getServer() {
    return server;
  }

  public void setServer(String server) {
    this.server = server;
  }

  public String getTsigKeyName() {
    return tsigKeyName;
  }

  public void setTsigKeyName(String tsigKeyName) {
    this.tsigKeyName = tsigKeyName;
  }

  public String getTsigAlgorithm() {
    return tsigAlgorithm;
  }

  public void setTsigAlgorithm(String tsigAlgorithm) {
    this.tsigAlgorithm = tsigAlgorithm;
  }

  public String getTsigSecret() {
    return tsigSecret;
  }

  public void setTsigSecret(String tsigSecret) {
    this.tsigSecret = tsigSecret;
  }

  public String getTsigSecretFile() {
    return tsigSecretFile;
  }

  public void setTsigSecretFile(String tsigSecretFile) {
    this.tsigSecretFile = tsigSecretFile;
  }

  /** The parent's DNSKEY (rdata presentation, e.g. "257 3 13 base64") to validate DS answers. */
  public String getTrustAnchor() {
    return trustAnchor;
  }

  public void setTrustAnchor(String trustAnchor) {
    this.trustAnchor = trustAnchor;
  }

  /**
   * The parent's nameservers (host:port) that must all serve the new DS (or delegation NS) RRset
   * before a change counts as done; empty means the update server only.
   */
  public List<String> getVerifyServers() {
    return verifyServers;
  }

  public void setVerifyServers(List<String> verifyServers) {
    this.verifyServers = verifyServers == null ? List.of() : List.copyOf(verifyServers);
  }

  public int getDsTtl() {
    return dsTtl;
  }

  public void setDsTtl(int dsTtl) {
    this.dsTtl = dsTtl;
  }

  /** TTL of the delegation NS records the ds-publisher writes. */
  public int getNsTtl() {
    return nsTtl;
  }

  public void setNsTtl(int nsTtl) {
    this.nsTtl = nsTtl;
  }

  public Duration getTimeout() {
    return timeout;
  }

  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * Send NOTIFY(CDS) (RFC 9859) to the target the parent's DSYNC record names when a DS change is
   * left to the parent's CDS scan, so it scans now instead of on its schedule.
   */
  public boolean isNotifyCds() {
    return notifyCds;
  }

  public void setNotifyCds(boolean notifyCds) {
    this.notifyCds = notifyCds;
  }

  /** How many times one NOTIFY(CDS) is sent before it counts as failed (RFC 1996 §3.6 retries). */
  public int getNotifyAttempts() {
    return notifyAttempts;
  }

  public void setNotifyAttempts(int notifyAttempts) {
    this.notifyAttempts = Math.max(1, notifyAttempts);
  }

  /** The wait after the first unanswered NOTIFY; it doubles after each further one. */
  public Duration getNotifyBackoff() {
    return notifyBackoff;
  }

  public void setNotifyBackoff(Duration notifyBackoff) {
    this.notifyBackoff = notifyBackoff;
  }

  @Override
  public String toString() {
    return "parent " + name + " zone=" + zone + " server=" + server + " tsig_key=" + tsigKeyName;
  }
}
