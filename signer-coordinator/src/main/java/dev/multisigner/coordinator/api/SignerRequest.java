package dev.multisigner.coordinator.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** One signer of a zone's group, as an operator names it. */
@Serdeable
@Schema(description = "A signer of the zone's group")
public record SignerRequest(
    @Schema(
            description = "Signer id, configured in this deployment (multisigner.signers.<id>)",
            example = "knot-a")
        String id,
    @Nullable
        @Schema(
            description =
                "Provider type (rfc2136, knot, powerdns, in-memory); default: the configured kind",
            example = "rfc2136")
        String type,
    @Nullable
        @Schema(
            description = "DNSSEC algorithm the signer signs with; default: the policy's",
            example = "13")
        Integer algorithm,
    @Schema(
            description = "Host names of the signer's nameservers for this zone",
            example = "[\"ns1.example.test.\"]")
        List<String> nameservers) {}
