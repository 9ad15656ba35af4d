package dev.multisigner.schemas.serde;

import dev.multisigner.schemas.avro.Multisigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Protocol;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * The schemas Multisigner knows: the current protocol and every released version (kept as resources
 * under {@code dev/multisigner/schemas/released/vN/}). A consumer looks a writer's fingerprint up
 * here to decode what an older producer wrote.
 */
public final class SchemaRegistry {

  /** Released versions, oldest first. Add the new version here when a schema change is released. */
  public static final List<String> RELEASED_VERSIONS = List.of("v1");

  private static final String RELEASED_ROOT = "/dev/multisigner/schemas/released/";
  private static final SchemaStore.Cache STORE = buildStore();
  private static volatile boolean trusted;

  private SchemaRegistry() {}

  /** The store of every current and released schema, by fingerprint. */
  public static SchemaStore store() {
    return STORE;
  }

  /** The current protocol (every record type of this build). */
  public static Protocol currentProtocol() {
    return Multisigner.PROTOCOL;
  }

  /** The protocol as released in the given version ("v1", ...). */
  public static Protocol released(String version) {
    String path = RELEASED_ROOT + version + "/multisigner.avpr";
    try (InputStream in = SchemaRegistry.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("released schema missing from the classpath: " + path);
      }
      return Protocol.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read released schema " + path, e);
    }
  }

  /** Every named record schema of the released versions and of the current build. */
  public static List<Schema> allKnownSchemas() {
    List<Schema> all = new ArrayList<>(currentProtocol().getTypes());
    for (String version : RELEASED_VERSIONS) {
      all.addAll(released(version).getTypes());
    }
    return all;
  }

  /**
   * Avro 1.12 refuses to instantiate classes from packages it does not trust; trust our generated
   * records (and keep whatever else the process already trusts). Serdes call it; so must code that
   * builds records with defaults holding our enums (a builder copies defaults reflectively) before
   * any serde exists.
   */
  public static void trustOurClasses() {
    if (trusted) {
      return;
    }
    synchronized (SchemaRegistry.class) {
      if (!trusted) {
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.ClassSecurityPredicate ours =
            c -> c.getName().startsWith("dev.multisigner.schemas.avro.");
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous, ours));
        trusted = true;
      }
    }
  }

  private static SchemaStore.Cache buildStore() {
    SchemaStore.Cache cache = new SchemaStore.Cache();
    for (Schema schema : allKnownSchemas()) {
      if (schema.getType() == Schema.Type.RECORD) {
        cache.addSchema(schema);
      }
    }
    return cache;
  }
}
