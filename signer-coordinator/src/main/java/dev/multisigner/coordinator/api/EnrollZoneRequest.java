package dev.multisigner.coordinator.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** {@code POST /zones}: put a zone under multi-signer management with its first signers. */
@Serdeable
@Schema(description = "Enroll a zone with its signers and the group's policy")
public record EnrollZoneRequest(
    @Schema(description = "The zone, any case, trailing dot optional", example = "example.test")
        String zone,
    @Schema(description = "At least two signers, each configured in this deployment")
        List<SignerRequest> signers,
    @Nullable @Schema(description = "The group's policy; omitted fields take their defaults")
        PolicyRequest policy) {}
