package dev.multisigner.lab.dns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Renders the config templates in this package's resources: {@code ${key}} placeholders. */
final class Templates {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z0-9_]+)}");

  private Templates() {}

  static String render(String resource, Map<String, String> values) {
    String text;
    try (InputStream in = Templates.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new LabException("missing lab template " + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LabException("cannot read lab template " + resource, e);
    }
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new LabException("template " + resource + " needs a value for ${" + m.group(1) + "}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  static Path write(Path file, String resource, Map<String, String> values) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, render(resource, values), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new LabException("cannot write " + file, e);
    }
  }
}
