package dev.multisigner.providers.modelone;

import org.xbill.DNS.Name;

/**
 * The owner's KSK cannot be loaded, written or used. The message names the zone and the key file's
 * path and the cause; it never carries key material.
 */
public final class OwnerKskException extends RuntimeException {

  public OwnerKskException(Name zone, String cause) {
    super("zone=" + zone + " owner KSK: " + cause);
  }

  public OwnerKskException(Name zone, String cause, Throwable t) {
    super("zone=" + zone + " owner KSK: " + cause, t);
  }
}
