package dev.multisigner.domain.model;

import java.util.List;
import java.util.Objects;

/**
 * One signer of a zone as the operator enrolls it: its id, its declared capabilities, the DNSSEC
 * algorithm it signs with (RFC 8901 §4: the same for every signer) and its nameserver names.
 */
public record SignerSpec(
    SignerId id, Capabilities capabilities, int algorithm, List<String> nameservers) {

  public SignerSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(capabilities, "capabilities");
    nameservers = List.copyOf(nameservers).stream().sorted().toList();
    if (nameservers.isEmpty()) {
      throw new IllegalArgumentException("signer " + id + " has no nameservers");
    }
  }
}
