package dev.multisigner.coordinator.api;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A request that became an intent on the log. The coordinator decides on it asynchronously: its
 * verdict is a zone event whose causation id is {@code eventId}.
 */
@Serdeable
@Schema(description = "The intent the request became (decided asynchronously)")
public record IntentAccepted(
    @Schema(description = "The intent's event id (causation id of the coordinator's answer)")
        String eventId,
    @Schema(description = "Canonical zone name", example = "example.test.") String zone,
    @Schema(description = "Intent type", example = "EnrollZone") String intent) {}
