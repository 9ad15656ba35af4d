package dev.multisigner.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The domain core stays pure: no framework, no messaging, no network, no clock, no randomness. Time
 * and ids come in as data (STYLE.md, "Functional core, imperative shell").
 */
class DomainPurityTest {

  private static final JavaClasses DOMAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.multisigner.domain");

  @Test
  void dependsOnNoFrameworkMessagingOrNetwork() {
    ArchRule rule =
        noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "io.micronaut..",
                "org.apache.kafka..",
                "org.apache.avro..",
                "java.net..",
                "java.net.http..",
                "java.nio.channels..",
                "java.util.concurrent..",
                "org.slf4j..",
                "ch.qos.logback..",
                "dev.multisigner.schemas..",
                "dev.multisigner.providers..",
                "dev.multisigner.lab..");
    rule.check(DOMAIN);
  }

  @Test
  void usesNoDnsjavaNetworkClasses() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.xbill.DNS.SimpleResolver")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.xbill.DNS.ExtendedResolver")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.xbill.DNS.Lookup")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("org.xbill.DNS.dnssec..", "org.xbill.DNS.lookup..")
        .check(DOMAIN);
  }

  @Test
  void readsNoClockAndDrawsNoRandomness() {
    noClasses()
        .should()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(java.util.UUID.class, "randomUUID")
        .orShould()
        .callMethod(java.time.LocalDateTime.class, "now")
        .orShould()
        .callMethod(java.time.Clock.class, "systemUTC")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.Random")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.security.SecureRandom")
        .check(DOMAIN);
  }
}
