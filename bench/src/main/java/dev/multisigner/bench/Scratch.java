package dev.multisigner.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A benchmark's data directory under the system temp dir, removed when the run ends. */
final class Scratch implements AutoCloseable {

  private final Path dir;

  Scratch(String prefix) throws IOException {
    this.dir = Files.createTempDirectory(prefix);
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(Scratch::delete);
    } catch (IOException e) {
      System.out.println("bench_cleanup_failed dir=" + dir + " error=\"" + e + "\"");
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
