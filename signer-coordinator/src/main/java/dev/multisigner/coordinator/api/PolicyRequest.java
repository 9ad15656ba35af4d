package dev.multisigner.coordinator.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The group policy of an enrollment; every field may be omitted and then takes the default in
 * {@link OperatorIntents#DEFAULTS} (the schema's defaults, with at most 6 CDS records).
 */
@Serdeable
@Schema(description = "Group policy; omitted fields take their defaults")
public record PolicyRequest(
    @Nullable
        @Schema(
            description =
                "MODEL_2 (default) or MODEL_1 (one KSK, held by kskHolder, signs every signer's"
                    + " DNSKEY RRset, RFC 8901 §2.1.1)")
        String model,
    @Nullable
        @Schema(description = "The one DNSSEC algorithm of the group; default: the signers' or 13")
        Integer algorithm,
    @Nullable @Schema(description = "DNSKEY/CDS/CDNSKEY TTL, default 3600")
        Integer dnskeyTtlSeconds,
    @Nullable @Schema(description = "Largest TTL in the zone, default 86400")
        Integer maxZoneTtlSeconds,
    @Nullable @Schema(description = "Parent's DS TTL, default 86400") Integer dsTtlSeconds,
    @Nullable @Schema(description = "NS TTL, default 86400") Integer nsTtlSeconds,
    @Nullable @Schema(description = "Signer propagation delay, default 300")
        Integer propagationDelaySeconds,
    @Nullable @Schema(description = "Parent propagation delay, default 3600")
        Integer parentPropagationDelaySeconds,
    @Nullable
        @Schema(
            description =
                "How the parent takes DS changes: DNS_UPDATE (the ds-publisher updates it) and/or"
                    + " CDS_SCAN (the parent scans CDS/CDNSKEY); default DNS_UPDATE")
        List<String> parentChannels,
    @Nullable
        @Schema(
            description =
                "How the parent takes NS (delegation) changes: DNS_UPDATE (the ds-publisher"
                    + " updates it) and/or CSYNC_SCAN (the signers publish CSYNC, RFC 7477, and the"
                    + " parent scans it); default DNS_UPDATE")
        List<String> nsChannels,
    @Nullable @Schema(description = "CDS/DS digest types, default [2]") List<Integer> digestTypes,
    @Nullable @Schema(description = "Registry's maximum CDS records, default 6")
        Integer maxCdsRecords,
    @Nullable @Schema(description = "Publish CDNSKEY beside CDS, default true")
        Boolean publishCdnskey,
    @Nullable @Schema(description = "Retry interval of failed commands, default 60")
        Integer retryIntervalSeconds,
    @Nullable @Schema(description = "How long a signer may be unobservable, default 3600")
        Integer unreachableLimitSeconds,
    @Nullable
        @Schema(
            description =
                "MODEL_1 only: the signer that holds the one KSK (a provider such as PowerDNS, or"
                    + " the zone owner's KSK held by Multisigner, provider type owner-ksk)")
        String kskHolder) {}
