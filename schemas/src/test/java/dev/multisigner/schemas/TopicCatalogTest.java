package dev.multisigner.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.schemas.serde.SchemaRegistry;
import dev.multisigner.schemas.topics.Topic;
import dev.multisigner.schemas.topics.TopicCatalog;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {

  @Test
  void namesEveryTopicOfTheDesignOnce() {
    assertThat(TopicCatalog.all())
        .extracting(Topic::name)
        .doesNotHaveDuplicates()
        .contains(
            "multisigner.zone.intents",
            "multisigner.signer.observations",
            "multisigner.signer.commands",
            "multisigner.signer.results",
            "multisigner.ds.requests",
            "multisigner.ds.events",
            "multisigner.zone.events",
            "multisigner.zone.state");
  }

  @Test
  void theAuditLogNeverExpiresAndTheStateTopicIsCompacted() {
    assertThat(TopicCatalog.ZONE_EVENTS.configs())
        .containsEntry("retention.ms", "-1")
        .containsEntry("retention.bytes", "-1")
        .containsEntry("cleanup.policy", "delete");
    assertThat(TopicCatalog.ZONE_STATE.configs()).containsEntry("cleanup.policy", "compact");
    assertThat(TopicCatalog.SIGNER_COMMANDS.configs().get("retention.ms")).isNotEqualTo("-1");
  }

  @Test
  void everyValueTypeIsARecordOfTheCurrentProtocol() {
    for (Topic<?> topic : TopicCatalog.all()) {
      assertThat(SchemaRegistry.currentProtocol().getType(topic.valueType().getName()))
          .as(topic.name())
          .isNotNull();
    }
  }

  @Test
  void anUnknownTopicNameIsAnError() {
    assertThatThrownBy(() -> TopicCatalog.byName("multisigner.nope"))
        .hasMessageContaining("multisigner.nope");
  }
}
