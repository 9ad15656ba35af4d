package dev.multisigner.coordinator.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.schemas.avro.SigningModel;
import dev.multisigner.schemas.serde.SchemaRegistry;
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
}
