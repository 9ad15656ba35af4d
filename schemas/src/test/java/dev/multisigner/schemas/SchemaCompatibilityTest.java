package dev.multisigner.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.schemas.serde.SchemaRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Protocol;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

/**
 * Every schema change must stay backward compatible (a new consumer reads old records) and forward
 * compatible (an old consumer reads new records) with every released version.
 *
 * <p>One kind of exception, named here so it cannot creep in: a new kind of command, intent or
 * observation added as a branch of {@code SignerCommand.command}, {@code ZoneIntent.intent} or
 * {@code SignerObservation.observation} (model 1's key signing request). An old consumer cannot
 * read such a record, so the rollout rule is "upgrade the consumer first": the signer writers
 * before the coordinator (they ship in the same process today), the coordinator before the API and
 * CLI that append intents, and before the collector that publishes key signing requests. Any other
 * missing union branch, and any other forward incompatibility, still fails.
 */
class SchemaCompatibilityTest {

  /** Union branches an old consumer may lack: record full name → the new branch types. */
  static final java.util.Map<String, List<String>> NEW_COMMAND_BRANCHES =
      java.util.Map.of(
          "dev.multisigner.schemas.avro.SignerCommand",
          List.of(
              "dev.multisigner.schemas.avro.PublishCsync",
              "dev.multisigner.schemas.avro.WithdrawCsync",
              "dev.multisigner.schemas.avro.SignDnskeyRrset",
              "dev.multisigner.schemas.avro.InstallSignedDnskeyRrset"),
          "dev.multisigner.schemas.avro.SignerObservation",
          List.of("dev.multisigner.schemas.avro.KeySigningRequested"),
          "dev.multisigner.schemas.avro.ZoneIntent",
          List.of("dev.multisigner.schemas.avro.RollAlgorithm"));

  @Test
  void currentSchemasAreBackwardAndForwardCompatibleWithEveryReleasedVersion() {
    for (String version : SchemaRegistry.RELEASED_VERSIONS) {
      assertThat(
              incompatibilities(SchemaRegistry.released(version), SchemaRegistry.currentProtocol()))
          .as("incompatibilities with released %s", version)
          .isEmpty();
    }
  }

  @Test
  void aNewUnionBranchOutsideTheNamedCommandBranchesIsRefused() {
    Protocol current = SchemaRegistry.currentProtocol();
    Protocol candidate = new Protocol(current.getName(), current.getNamespace());
    List<Schema> types = new ArrayList<>();
    for (Schema t : current.getTypes()) {
      if (!t.getFullName().equals("dev.multisigner.schemas.avro.DsEvent")) {
        types.add(t);
        continue;
      }
      List<Schema.Field> fields = new ArrayList<>();
      for (Schema.Field f : t.getFields()) {
        Schema type = f.schema();
        if (f.name().equals("event")) {
          List<Schema> branches = new ArrayList<>(type.getTypes());
          branches.add(
              Schema.createRecord(
                  "DsRetracted", "a new event", "dev.multisigner.schemas.avro", false, List.of()));
          type = Schema.createUnion(branches);
        }
        fields.add(new Schema.Field(f.name(), type, f.doc(), f.defaultVal()));
      }
      types.add(
          Schema.createRecord(t.getName(), t.getDoc(), t.getNamespace(), t.isError(), fields));
    }
    candidate.setTypes(types);

    assertThat(incompatibilities(SchemaRegistry.released("v1"), candidate))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("DsEvent: forward")
                    .contains("MISSING_UNION_BRANCH")
                    .contains("DsRetracted"));
  }

  @Test
  void aFieldAddedWithoutDefaultIsRefused() {
    Protocol released = SchemaRegistry.released("v1");
    Protocol candidate =
        withField(
            released,
            "ZoneEvent",
            new Schema.Field("severity", Schema.create(Schema.Type.INT), "new", null));
    assertThat(candidate.getType("dev.multisigner.schemas.avro.ZoneEvent").getField("severity"))
        .isNotNull();

    assertThat(incompatibilities(released, candidate))
        .anySatisfy(line -> assertThat(line).contains("ZoneEvent").contains("backward"));
  }

  @Test
  void aChangedFieldTypeIsRefused() {
    Protocol released = SchemaRegistry.released("v1");
    Protocol candidate =
        withField(
            released,
            "SignerCommand",
            new Schema.Field("commandId", Schema.create(Schema.Type.LONG), "now a number", null));

    assertThat(incompatibilities(released, candidate))
        .anySatisfy(line -> assertThat(line).contains("SignerCommand"))
        .anySatisfy(line -> assertThat(line).contains("forward"));
  }

  @Test
  void aRemovedRecordTypeIsRefused() {
    Protocol released = SchemaRegistry.released("v1");
    Protocol candidate = new Protocol(released.getName(), released.getNamespace());
    List<Schema> types = new ArrayList<>(released.getTypes());
    types.removeIf(s -> s.getName().equals("DeadLetter"));
    candidate.setTypes(types);

    assertThat(incompatibilities(released, candidate))
        .containsExactly("dev.multisigner.schemas.avro.DeadLetter: removed");
  }

  @Test
  void aFieldAddedWithDefaultIsAccepted() {
    Protocol released = SchemaRegistry.released("v1");
    Protocol candidate =
        withField(
            released,
            "ZoneEvent",
            new Schema.Field("severity", Schema.create(Schema.Type.INT), "new", 0));

    assertThat(incompatibilities(released, candidate)).isEmpty();
  }

  /**
   * The protocol with one field of one record added, or replaced when a field of that name exists.
   */
  private static Protocol withField(Protocol base, String record, Schema.Field field) {
    Protocol copy = new Protocol(base.getName(), base.getNamespace());
    List<Schema> types = new ArrayList<>();
    for (Schema type : base.getTypes()) {
      if (!type.getName().equals(record)) {
        types.add(type);
        continue;
      }
      List<Schema.Field> fields = new ArrayList<>();
      for (Schema.Field f : type.getFields()) {
        if (!f.name().equals(field.name())) {
          fields.add(new Schema.Field(f, f.schema()));
        }
      }
      fields.add(field);
      types.add(
          Schema.createRecord(
              type.getName(), type.getDoc(), type.getNamespace(), type.isError(), fields));
    }
    copy.setTypes(types);
    return copy;
  }

  /** One line per released record type that the candidate cannot read or be read by. */
  static List<String> incompatibilities(Protocol released, Protocol candidate) {
    List<String> problems = new ArrayList<>();
    for (Schema old : released.getTypes()) {
      Schema current = candidate.getType(old.getFullName());
      if (current == null) {
        problems.add(old.getFullName() + ": removed");
        continue;
      }
      check(problems, old.getFullName() + ": backward", current, old, List.of());
      check(
          problems,
          old.getFullName() + ": forward",
          old,
          current,
          NEW_COMMAND_BRANCHES.getOrDefault(old.getFullName(), List.of()));
    }
    return problems;
  }

  private static void check(
      List<String> problems, String what, Schema reader, Schema writer, List<String> allowed) {
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    List<SchemaCompatibility.Incompatibility> left =
        result.getResult().getIncompatibilities().stream()
            .filter(i -> !allowed.contains(missingBranch(i)))
            .toList();
    if (!left.isEmpty()) {
      problems.add(
          what
              + " "
              + left.stream()
                  .map(i -> i.getType() + " at " + i.getLocation() + " (" + missingBranch(i) + ")")
                  .toList());
    }
  }

  /** The writer's union branch the reader lacks (its full name), or "" for other problems. */
  private static String missingBranch(SchemaCompatibility.Incompatibility i) {
    Schema union = i.getWriterFragment();
    if (i.getType() != SchemaCompatibility.SchemaIncompatibilityType.MISSING_UNION_BRANCH
        || union.getType() != Schema.Type.UNION) {
      return "";
    }
    String location = i.getLocation();
    int branch = Integer.parseInt(location.substring(location.lastIndexOf('/') + 1));
    return union.getTypes().get(branch).getFullName();
  }
}
