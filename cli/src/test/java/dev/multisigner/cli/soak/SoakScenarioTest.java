package dev.multisigner.cli.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.cli.soak.SoakScenario.RollKind;
import dev.multisigner.cli.soak.SoakScenario.Signer;
import dev.multisigner.lab.dns.KeyScheme;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The soak's scenarios: deterministic from (seed, index), and 108 of them cover the matrix. */
class SoakScenarioTest {

  @Test
  void aScenarioFollowsFromItsSeedAndNumberAlone() {
    assertThat(SoakScenario.of(7, 3)).isEqualTo(SoakScenario.of(7, 3));
    assertThat(SoakScenario.of(7, 3)).isNotEqualTo(SoakScenario.of(7, 4));
    assertThat(SoakScenario.of(7, 3)).isNotEqualTo(SoakScenario.of(8, 3));
  }

  @Test
  void everyScenarioIsAValidMultiSignerGroupWithARollAtEachStayingSignerAndAMemberChange() {
    for (int i = 1; i <= 108; i++) {
      SoakScenario s = SoakScenario.of(1, i);
      assertThat(s.signers()).hasSizeBetween(2, 3);
      List<String> ids = new ArrayList<>(s.signers().stream().map(Signer::id).toList());
      assertThat(s.joiner() == null).isNotEqualTo(s.leaver() == null);
      if (s.joiner() != null) {
        ids.add(s.joiner().id());
      } else {
        assertThat(s.signers()).hasSize(3);
      }
      assertThat(new HashSet<>(ids)).as("distinct lab ids").hasSize(ids.size());
      assertThat(s.rolls()).hasSize(s.leaver() == null ? s.signers().size() : 2);
      for (var r : s.rolls()) {
        Signer at = s.signers().stream().filter(x -> x.id().equals(r.signer())).findFirst().get();
        assertThat(r.kind() == RollKind.CSK).isEqualTo(at.scheme() == KeyScheme.CSK);
        assertThat(r.atSecond()).isBetween(0, 30);
      }
      assertThat(s.zone()).isEqualTo(String.format("s1-%03d.test.", i));
    }
  }

  @Test
  void oneHundredAndEightScenariosCoverEveryRollKindSchemeChannelAndMemberChange() {
    Set<String> seen = new HashSet<>();
    for (int i = 1; i <= 108; i++) {
      SoakScenario s = SoakScenario.of(1, i);
      s.rolls().forEach(r -> seen.add("roll " + r.kind()));
      seen.add(s.joiner() != null ? "join" : "leave");
      seen.add(s.cdsScan() ? "cds scan" : "dns update");
      seen.add(s.signers().size() + " signers");
      seen.add(s.schemeColumn().split(",")[0]);
    }
    assertThat(seen)
        .contains(
            "roll ZSK",
            "roll KSK",
            "roll CSK",
            "join",
            "leave",
            "cds scan",
            "dns update",
            "2 signers",
            "3 signers",
            "KSK+ZSK",
            "CSK",
            "mixed");
  }
}
