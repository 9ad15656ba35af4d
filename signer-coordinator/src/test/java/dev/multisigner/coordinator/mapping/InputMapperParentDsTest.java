package dev.multisigner.coordinator.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.schemas.avro.DsData;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.serde.SchemaRegistry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Only parent DS data validated from the parent's trust anchor reaches the decider as seen. */
class InputMapperParentDsTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");

  static {
    SchemaRegistry.trustOurClasses();
  }

  @Test
  void aValidatedObservationIsTheParentsDs() {
    assertThat(InputMapper.dsEvent(ZONE, event("r-1", true)))
        .isInstanceOfSatisfying(
            ZoneInput.ParentDsObserved.class, o -> assertThat(o.ds()).hasSize(1));
  }

  @Test
  void anUnvalidatedAnswerToARequestIsThatRequestsFailure() {
    assertThat(InputMapper.dsEvent(ZONE, event("r-2", false)))
        .isInstanceOfSatisfying(
            ZoneInput.DsPublicationFailed.class,
            f -> {
              assertThat(f.requestId()).isEqualTo("r-2");
              assertThat(f.reason()).contains("did not validate");
            });
  }

  @Test
  void anUnvalidatedUnsolicitedObservationIsRejectedNamingTheZone() {
    assertThatThrownBy(() -> InputMapper.dsEvent(ZONE, event(null, false)))
        .isInstanceOf(RejectedInput.class)
        .hasMessageContaining("example.test.")
        .hasMessageContaining("did not validate");
  }

  private static DsEvent event(String requestId, boolean validated) {
    return new DsEvent(
        new Envelope("e-1", ZONE.value(), Instant.EPOCH, "ds-publisher", null, null),
        requestId,
        new ParentDsObserved(
            List.of(new DsData(4711, 13, 2, ByteBuffer.wrap(new byte[32]))), true, validated, 0));
  }
}
