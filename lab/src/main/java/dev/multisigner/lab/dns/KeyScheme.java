package dev.multisigner.lab.dns;

/** How a lab signer splits its keys: a KSK and a ZSK, or one combined signing key (CSK). */
public enum KeyScheme {
  KSK_ZSK,
  CSK
}
