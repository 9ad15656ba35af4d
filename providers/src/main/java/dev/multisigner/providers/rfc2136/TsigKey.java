package dev.multisigner.providers.rfc2136;

import dev.multisigner.providers.Secret;
import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/**
 * A TSIG key (RFC 8945): its name, its algorithm ({@code hmac-sha256}) and its base64 secret. The
 * secret stays a {@link Secret}: {@link #toString()} shows name and algorithm only.
 */
public record TsigKey(String name, String algorithm, Secret secret) {

  public TsigKey {
    Objects.requireNonNull(name, "TSIG key name");
    Objects.requireNonNull(algorithm, "TSIG algorithm");
    Objects.requireNonNull(secret, "TSIG secret");
    if (TSIG.algorithmToName(algorithm) == null) {
      throw new IllegalArgumentException("unknown TSIG algorithm '" + algorithm + "'");
    }
  }

  /** The dnsjava signer for this key. */
  TSIG toTsig() {
    return new TSIG(
        TSIG.algorithmToName(algorithm), Name.fromConstantString(absolute(name)), secret.reveal());
  }

  private static String absolute(String n) {
    return n.endsWith(".") ? n : n + ".";
  }

  @Override
  public String toString() {
    return "TsigKey[" + name + " " + algorithm + " " + secret + "]";
  }
}
