package dev.multisigner.lab.dns;

/** A lab daemon or tool failed; the message names the component and carries its log tail. */
public class LabException extends RuntimeException {

  public LabException(String message) {
    super(message);
  }

  public LabException(String message, Throwable cause) {
    super(message, cause);
  }
}
