package dev.multisigner.lab.dns;

/** The DNS software behind a lab signer. */
public enum SignerKind {
  KNOT,
  PDNS
}
