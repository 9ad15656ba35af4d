package dev.multisigner.coordinator.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/** Who asks and why, for the audit log ({@code resume}, {@code DELETE /zones/{zone}}). */
@Serdeable
@Schema(description = "Who asks and why (kept in the audit log)")
public record OperatorNote(
    @Nullable @Schema(description = "Operator name", example = "alice") String operator,
    @Nullable @Schema(description = "Why", example = "checked the key-tag collision")
        String reason) {}
