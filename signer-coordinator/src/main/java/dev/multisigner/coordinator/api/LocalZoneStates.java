package dev.multisigner.coordinator.api;

import java.util.function.BiConsumer;

/**
 * This instance's own zone states as stored, in one pass: what the metrics scan reads ({@link
 * ZoneStates} over the {@code zone-state} store; a map in tests).
 */
@FunctionalInterface
public interface LocalZoneStates {

  /**
   * Hands every zone of this instance's partitions to {@code zone} with the bytes of its state, not
   * decoded, in no particular order.
   *
   * @throws ApiProblem (503) when the store is not queryable, or goes away during the pass
   */
  void forEach(BiConsumer<String, byte[]> zone);
}
