package dev.multisigner.coordinator.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code POST /zones/{zone}/algorithm-rollover}: roll the whole group to another algorithm. */
@Serdeable
@Schema(description = "Roll the whole group to another DNSSEC algorithm")
public record AlgorithmRollRequest(
    @Nullable @Schema(description = "The new algorithm number", example = "15") Integer algorithm,
    @Nullable @Schema(description = "Who asks, for the audit log", example = "alice")
        String operator) {}
