package dev.multisigner.coordinator.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandResult;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A writer's result says when its command was applied, as the decider compares observations. */
class InputMapperResultTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final Instant RESULT_WRITTEN = Instant.parse("2026-12-08T04:28:21.867Z");
  private static final Instant WRITE_BEGAN = Instant.parse("2026-12-08T04:28:21.773Z");

  @Test
  void theAppliedTimeIsWhenTheWriteBeganNotWhenItsResultWasWritten() {
    ZoneInput.SignerCommandApplied a =
        (ZoneInput.SignerCommandApplied)
            InputMapper.result(
                ZONE, result(new SignerCommandApplied("- CSYNC", null, true, WRITE_BEGAN)));
    assertThat(a.appliedAt()).isEqualTo(WRITE_BEGAN);
    assertThat(a.changed()).isTrue();
  }

  @Test
  void aResultFromAWriterBeforeTheFieldCountsFromWhenItWasWritten() {
    ZoneInput.SignerCommandApplied a =
        (ZoneInput.SignerCommandApplied)
            InputMapper.result(
                ZONE, result(new SignerCommandApplied("no change", null, false, null)));
    assertThat(a.appliedAt()).isEqualTo(RESULT_WRITTEN);
    assertThat(a.changed()).isFalse();
  }

  private static SignerCommandResult result(SignerCommandApplied applied) {
    Envelope env = new Envelope("e1", ZONE.value(), RESULT_WRITTEN, "writer", "c0", "c0");
    return new SignerCommandResult(env, "example.test.#12", "pdns-b", applied);
  }
}
