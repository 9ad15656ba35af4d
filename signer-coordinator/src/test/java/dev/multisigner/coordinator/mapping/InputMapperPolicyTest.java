package dev.multisigner.coordinator.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.ParentChannels;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.schemas.avro.SigningModel;
import dev.multisigner.schemas.serde.SchemaRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema's group policy as the domain reads it: defaults and the CDS limit's 0. */
class InputMapperPolicyTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");

  static {
    SchemaRegistry.trustOurClasses();
  }

  @Test
  void aCdsLimitOfZeroMeansNoLimitAsTheSchemaSays() {
    GroupPolicy policy =
        InputMapper.policy(
            ZONE,
            dev.multisigner.schemas.avro.GroupPolicy.newBuilder()
                .setModel(SigningModel.MODEL_2)
                .setAlgorithm(13)
                .build());

    assertThat(policy.maxCdsRecords()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void aRegistryLimitIsKeptAndANegativeOneIsRefusedNamingTheZone() {
    assertThat(
            InputMapper.policy(
                    ZONE,
                    dev.multisigner.schemas.avro.GroupPolicy.newBuilder()
                        .setModel(SigningModel.MODEL_2)
                        .setAlgorithm(13)
                        .setMaxCdsRecords(6)
                        .build())
                .maxCdsRecords())
        .isEqualTo(6);
    assertThatThrownBy(
            () ->
                InputMapper.policy(
                    ZONE,
                    dev.multisigner.schemas.avro.GroupPolicy.newBuilder()
                        .setModel(SigningModel.MODEL_2)
                        .setAlgorithm(13)
                        .setMaxCdsRecords(-1)
                        .build()))
        .isInstanceOf(RejectedInput.class)
        .hasMessageContaining("zone=example.test.")
        .hasMessageContaining("negative");
  }

  @Test
  void parentChannelsMapToTheDomainAndNoneMeansTheDsPublishersUpdate() {
    GroupPolicy defaults =
        InputMapper.policy(
            ZONE,
            dev.multisigner.schemas.avro.GroupPolicy.newBuilder()
                .setModel(SigningModel.MODEL_2)
                .build());
    assertThat(defaults.channels()).isEqualTo(ParentChannels.DIRECT);

    GroupPolicy csync =
        InputMapper.policy(
            ZONE,
            dev.multisigner.schemas.avro.GroupPolicy.newBuilder()
                .setModel(SigningModel.MODEL_2)
                .setParentChannels(
                    List.of(
                        dev.multisigner.schemas.avro.ParentChannel.DNS_UPDATE,
                        dev.multisigner.schemas.avro.ParentChannel.CDS_SCAN))
                .setNsChannels(List.of(dev.multisigner.schemas.avro.ParentChannel.CSYNC_SCAN))
                .build());
    assertThat(csync.channels().ds())
        .containsExactlyInAnyOrder(ParentChannel.DNS_UPDATE, ParentChannel.CDS_SCAN);
    assertThat(csync.channels().ns()).containsExactly(ParentChannel.CSYNC_SCAN);
  }

  @Test
  void aChannelThatIsNotBuiltAndModelOneAreRefusedByName() {
    assertThatThrownBy(
            () ->
                InputMapper.policy(
                    ZONE,
                    dev.multisigner.schemas.avro.GroupPolicy.newBuilder()
                        .setModel(SigningModel.MODEL_2)
                        .setParentChannels(
                            List.of(dev.multisigner.schemas.avro.ParentChannel.REGISTRAR_API))
                        .build()))
        .isInstanceOf(RejectedInput.class)
        .hasMessageContaining("zone=example.test.")
        .hasMessageContaining("parentChannels: parent channel REGISTRAR_API is not built");
    assertThatThrownBy(
            () ->
                InputMapper.policy(
                    ZONE,
                    dev.multisigner.schemas.avro.GroupPolicy.newBuilder()
                        .setModel(SigningModel.MODEL_2)
                        .setParentChannels(
                            List.of(dev.multisigner.schemas.avro.ParentChannel.NOTIFY_CDS))
                        .build()))
        .isInstanceOf(RejectedInput.class)
        .hasMessageContaining("parentChannels: NOTIFY_CDS is not a channel of its own")
        .hasMessageContaining("name CDS_SCAN and set notify-cds on the parent");
    assertThatThrownBy(
            () ->
                InputMapper.policy(
                    ZONE,
                    dev.multisigner.schemas.avro.GroupPolicy.newBuilder()
                        .setModel(SigningModel.MODEL_2)
                        .setParentChannels(
                            List.of(dev.multisigner.schemas.avro.ParentChannel.CSYNC_SCAN))
                        .build()))
        .isInstanceOf(RejectedInput.class)
        .hasMessageContaining("CSYNC (RFC 7477) carries NS changes, not DS changes");
    assertThatThrownBy(
            () ->
                InputMapper.policy(
                    ZONE,
                    dev.multisigner.schemas.avro.GroupPolicy.newBuilder()
                        .setModel(SigningModel.MODEL_2)
                        .setKskHolder("knot-a")
                        .build()))
        .isInstanceOf(RejectedInput.class)
        .hasMessageContaining("zone=example.test.")
        .hasMessageContaining("kskHolder knot-a is for model 1 only");
  }

  @Test
  void modelOneKeepsItsKskHolder() {
    GroupPolicy p =
        InputMapper.policy(
            ZONE,
            dev.multisigner.schemas.avro.GroupPolicy.newBuilder()
                .setModel(SigningModel.MODEL_1)
                .setKskHolder("owner")
                .build());
    assertThat(p.model()).isEqualTo(SignerModel.MODEL_1);
    assertThat(p.kskHolder()).isEqualTo(SignerId.of("owner"));
  }
}
