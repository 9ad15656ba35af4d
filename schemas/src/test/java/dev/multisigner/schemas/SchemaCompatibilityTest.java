package dev.multisigner.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.schemas.serde.SchemaRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Protocol;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Every schema change must stay backward compatible (a new consumer reads old records) and forward
 * compatible (an old consumer reads new records) with every released version.
 */
class SchemaCompatibilityTest {

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
      check(problems, old.getFullName() + ": backward", current, old);
      check(problems, old.getFullName() + ": forward", old, current);
    }
    return problems;
  }

  private static void check(List<String> problems, String what, Schema reader, Schema writer) {
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
      problems.add(what + " " + result.getResult().getIncompatibilities());
    }
  }
}
