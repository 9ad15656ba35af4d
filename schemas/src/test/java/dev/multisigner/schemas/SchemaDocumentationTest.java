package dev.multisigner.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.schemas.serde.SchemaRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Every record and field is documented, every enum has a default (DESIGN.md, "Topics"). */
class SchemaDocumentationTest {

  @Test
  void everyRecordAndFieldHasADoc() {
    List<String> undocumented = new ArrayList<>();
    for (Schema type : SchemaRegistry.currentProtocol().getTypes()) {
      if (isBlank(type.getDoc())) {
        undocumented.add(type.getFullName());
      }
      if (type.getType() == Schema.Type.RECORD) {
        for (Schema.Field field : type.getFields()) {
          if (isBlank(field.doc())) {
            undocumented.add(type.getFullName() + "." + field.name());
          }
        }
      }
    }
    assertThat(undocumented).isEmpty();
  }

  @Test
  void everyEnumHasADefault() {
    List<Schema> enums =
        SchemaRegistry.currentProtocol().getTypes().stream()
            .filter(s -> s.getType() == Schema.Type.ENUM)
            .toList();
    assertThat(enums).isNotEmpty();
    assertThat(enums).allSatisfy(e -> assertThat(e.getEnumDefault()).as(e.getName()).isNotNull());
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
