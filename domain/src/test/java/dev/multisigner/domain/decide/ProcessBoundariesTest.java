package dev.multisigner.domain.decide;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's boundaries: each process of the decider is one file that depends on no other process
 * (they share the draft, the key ledger, the commands and the algorithm window, not each other),
 * and only the entry, the facts, the reconciler (which alone knows their order) and the plan call
 * them.
 */
class ProcessBoundariesTest {

  private static final JavaClasses DECIDE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.multisigner.domain.decide");

  private static final Set<String> MAY_CALL_PROCESSES =
      Set.of("ZoneDecider", "Facts", "Reconciler", "ZonePlan");

  /** The top-level class a class belongs to (a nested record belongs to its process). */
  private static String topLevel(JavaClass c) {
    return c.getName().replaceAll("\\$.*", "");
  }

  private static boolean isProcess(JavaClass c) {
    return c.getPackageName().equals("dev.multisigner.domain.decide")
        && topLevel(c).endsWith("Process");
  }

  @Test
  void everyProcessIsOneFileFindableByName() {
    assertThat(
            DECIDE.stream()
                .filter(c -> isProcess(c) && !c.getName().contains("$"))
                .map(JavaClass::getSimpleName))
        .containsExactlyInAnyOrder(
            "JoinProcess",
            "LeaveProcess",
            "AlgorithmRollProcess",
            "ModelOneSigningProcess",
            "DnskeySyncProcess",
            "ParentDsProcess",
            "NsSyncProcess");
  }

  @Test
  void processesDoNotDependOnEachOther() {
    classes()
        .that(
            new com.tngtech.archunit.base.DescribedPredicate<JavaClass>("are processes") {
              @Override
              public boolean test(JavaClass c) {
                return isProcess(c);
              }
            })
        .should(
            new ArchCondition<JavaClass>("depend on no other process") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                  JavaClass target = d.getTargetClass();
                  if (isProcess(target) && !topLevel(target).equals(topLevel(c))) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                }
              }
            })
        .check(DECIDE);
  }

  @Test
  void onlyTheEntryFactsReconcilerAndPlanCallProcesses() {
    classes()
        .that(
            new com.tngtech.archunit.base.DescribedPredicate<JavaClass>("are processes") {
              @Override
              public boolean test(JavaClass c) {
                return isProcess(c);
              }
            })
        .should(
            new ArchCondition<JavaClass>("be called only by " + MAY_CALL_PROCESSES) {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                for (Dependency d : c.getDirectDependenciesToSelf()) {
                  JavaClass origin = d.getOriginClass();
                  String caller = topLevel(origin).replaceAll(".*\\.", "");
                  if (!topLevel(origin).equals(topLevel(c))
                      && !MAY_CALL_PROCESSES.contains(caller)) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                }
              }
            })
        .check(DECIDE);
  }
}
