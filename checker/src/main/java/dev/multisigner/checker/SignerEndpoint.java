package dev.multisigner.checker;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One signer (provider) of the zone as the checker reaches it.
 *
 * @param id the signer's name in reports, e.g. {@code knot-a}
 * @param address a nameserver address of that signer
 */
public record SignerEndpoint(String id, InetSocketAddress address) {

  public SignerEndpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
  }
}
