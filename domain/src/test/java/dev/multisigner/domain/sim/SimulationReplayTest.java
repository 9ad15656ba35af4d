package dev.multisigner.domain.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How to replay one run: put the seed from a failure message here. A run is a pure function of its
 * seed, so the same seed gives the same scenario, decisions and verdict.
 */
class SimulationReplayTest {

  @Test
  void aRunIsReproducibleFromItsSeed() {
    long seed = 4_242L;

    Simulation.Result first = Simulation.run(seed);
    Simulation.Result again = Simulation.run(seed);

    assertThat(again.scenario()).isEqualTo(first.scenario());
    assertThat(again.decisions()).isEqualTo(first.decisions());
    assertThat(again.trace()).isEqualTo(first.trace());
    assertThat(first.violations()).as(first.describe()).isEmpty();
  }
}
