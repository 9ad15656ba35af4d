package dev.multisigner.coordinator.api;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/** The body of every 4xx/5xx answer of the operator API. */
@Serdeable
@Schema(description = "Why a request was refused")
public record ApiError(
    @Schema(description = "HTTP status code", example = "400") int status,
    @Schema(description = "HTTP reason phrase", example = "Bad Request") String error,
    @Schema(
            description = "What was wrong, naming the zone, signer or field",
            example = "zone=example.test.: signer pdns-b is listed twice")
        String message) {}
