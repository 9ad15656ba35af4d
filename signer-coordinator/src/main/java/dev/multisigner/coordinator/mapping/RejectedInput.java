package dev.multisigner.coordinator.mapping;

/**
 * An input that is well-formed Avro but cannot become a domain input (unknown provider type, a
 * malformed key, an unknown enum symbol). The message names the zone and the cause.
 */
public final class RejectedInput extends RuntimeException {

  public RejectedInput(String zone, String cause) {
    super("zone=" + zone + ": " + cause);
  }
}
