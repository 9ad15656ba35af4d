package dev.multisigner.dspublisher.parent;

import org.xbill.DNS.Name;

/** Talking to the parent failed; names the child zone, the parent and the cause, never a secret. */
public final class ParentException extends RuntimeException {

  private final boolean retryable;

  public ParentException(Name child, String parent, String cause, boolean retryable) {
    super("zone=" + child + " parent=" + parent + ": " + cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
