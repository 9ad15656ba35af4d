package dev.multisigner.coordinator.api;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /zones/{zone}/rollovers}: roll one signer's key. */
@Serdeable
@Schema(description = "Roll one signer's key of a role")
public record RollKeyRequest(
    @Schema(description = "The signer whose key rolls", example = "knot-a") String signer,
    @Schema(description = "KSK, ZSK or CSK", example = "ZSK") String role) {}
