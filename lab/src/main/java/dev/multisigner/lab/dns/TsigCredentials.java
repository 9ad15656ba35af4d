package dev.multisigner.lab.dns;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/**
 * A TSIG key for the lab (RFC 8945). The secret is generated per lab run and never shown by {@link
 * #toString()}.
 *
 * @param name the key name, absolute (e.g. {@code knot-a-ddns.})
 * @param algorithm the algorithm as written in configs, e.g. {@code hmac-sha256}
 * @param secret the secret, base64
 */
public record TsigCredentials(String name, String algorithm, String secret) {

  private static final SecureRandom RANDOM = new SecureRandom();

  public TsigCredentials {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(secret, "secret");
    if (!name.endsWith(".")) {
      name = name + ".";
    }
  }

  /** A fresh random hmac-sha256 key (32 bytes). */
  public static TsigCredentials randomHmacSha256(String name) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return new TsigCredentials(name, "hmac-sha256", Base64.getEncoder().encodeToString(bytes));
  }

  /** The key name without the trailing dot, as config files want it. */
  public String configName() {
    return name.substring(0, name.length() - 1);
  }

  /** The dnsjava TSIG signer for this key. */
  public TSIG toTsig() {
    return new TSIG(Name.fromConstantString(algorithm + "."), name, secret);
  }

  @Override
  public String toString() {
    return "TsigCredentials[name=" + name + ", algorithm=" + algorithm + ", secret=****]";
  }
}
