package dev.multisigner.coordinator.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.coordinator.topology.CoordinatorStreams;
import dev.multisigner.domain.model.ZoneName;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's answer while the coordinator's Streams app is not running: 503 with the reason. */
class ZoneStatesTest {

  @TempDir Path stateDir;

  @Test
  void aStoreThatIsNotQueryableYetIsServiceUnavailableNamingTheStreamsState() {
    // No broker listens on port 9: Streams never gets past starting, so its store never opens.
    try (CoordinatorStreams streams =
        new CoordinatorStreams(
            dev.multisigner.support.KafkaClientSettings.of("127.0.0.1:9"),
            "signer-coordinator",
            "zone-states-test",
            stateDir.toString(),
            Duration.ofSeconds(1),
            Duration.ofMillis(100),
            1,
            Duration.ofMillis(5),
            65_536,
            10_485_760L,
            1,
            "",
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            "",
            java.util.List.of())) {
      ZoneStates states = new ZoneStates(streams, new ZonePeers("", Duration.ofSeconds(1), null));
      assertThatThrownBy(() -> states.get(ZoneName.of("example.test")))
          .isInstanceOfSatisfying(
              ApiProblem.class,
              p -> org.assertj.core.api.Assertions.assertThat(p.status().getCode()).isEqualTo(503))
          .hasMessageContaining("zone state is not queryable yet (coordinator streams");
      assertThatThrownBy(() -> states.list(null, 10)).isInstanceOf(ApiProblem.class);
      assertThatThrownBy(() -> states.forEach((zone, bytes) -> {}))
          .isInstanceOf(ApiProblem.class)
          .hasMessageContaining("zone state is not queryable yet (coordinator streams");
    }
  }
}
