package dev.multisigner.support.signers;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import java.time.Duration;

/**
 * How to reach one signer, from {@code multisigner.signers.<id>}. Types: {@code knot} / {@code
 * rfc2136} (DNS UPDATE + TSIG), {@code powerdns} (HTTP API), {@code cloudflare} (API). Secrets come
 * from {@code *-file} properties or from values set through the environment; they never appear in
 * logs, events or {@link #toString()}.
 */
@EachProperty("multisigner.signers")
public class SignerConfig {

  private final String id;
  private String type;
  private String server;
  private String tsigKeyName;
  private String tsigAlgorithm = "hmac-sha256";
  private String tsigSecret;
  private String tsigSecretFile;
  private String apiUrl;
  private String apiKey;
  private String apiKeyFile;
  private String serverId = "localhost";
  private Duration timeout = Duration.ofSeconds(3);

  public SignerConfig(@Parameter String id) {
    this.id = id;
  }

  public String getId() {
    return id;
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  /** The signer's authoritative server for reads (and UPDATE), host:port. */
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

  public String getApiUrl() {
    return apiUrl;
  }

  public void setApiUrl(String apiUrl) {
    this.apiUrl = apiUrl;
  }

  public String getApiKey() {
    return apiKey;
  }

  public void setApiKey(String apiKey) {
    this.apiKey = apiKey;
  }

  public String getApiKeyFile() {
    return apiKeyFile;
  }

  public void setApiKeyFile(String apiKeyFile) {
    this.apiKeyFile = apiKeyFile;
  }

  public String getServerId() {
    return serverId;
  }

  public void setServerId(String serverId) {
    this.serverId = serverId;
  }

  public Duration getTimeout() {
    return timeout;
  }

  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public String toString() {
    return "signer " + id + " type=" + type + " server=" + server;
  }
}
