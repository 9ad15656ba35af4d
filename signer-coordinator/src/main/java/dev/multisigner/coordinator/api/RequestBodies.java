package dev.multisigner.coordinator.api;

import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why an operator API body did not bind, as a message naming the zone and the field. Unknown fields
 * are refused ({@code micronaut.serde.deserialization.ignore-unknown: false}), so a misspelt policy
 * field is an error instead of a silent default.
 */
final class RequestBodies {

  private static final Pattern UNKNOWN =
      Pattern.compile(
          "Unknown property \\[([^\\]]*)\\] encountered during deserialization of type: (\\w+)");
  private static final Pattern PATH_ZONE = Pattern.compile("^/zones/([^/]+)");
  private static final Pattern BODY_ZONE = Pattern.compile("\"zone\"\\s*:\\s*\"([^\"]{1,255})\"");
  private static final int MAX_CAUSE = 200;

  /** Where each request type sits in a body, for the field's full name. */
  private static final Map<Class<?>, String> PREFIX =
      Map.of(PolicyRequest.class, "policy.", SignerRequest.class, "signers[].");

  private static final Map<String, Class<? extends Record>> TYPES =
      Map.of(
          "EnrollZoneRequest", EnrollZoneRequest.class,
          "PolicyRequest", PolicyRequest.class,
          "SignerRequest", SignerRequest.class,
          "RollKeyRequest", RollKeyRequest.class,
          "AlgorithmRollRequest", AlgorithmRollRequest.class,
          "OperatorNote", OperatorNote.class);

  private RequestBodies() {}

  static String refusal(HttpRequest<?> request, ConversionErrorException e) {
    return refusal(pathZone(request), e.getArgument().getType(), e);
  }

  /**
   * Reads an enrollment's body, whose zone is not in the path: a refusal names the body's {@code
   * zone} when the text has one.
   */
  static EnrollZoneRequest enrollment(JsonMapper json, String body) {
    try {
      return json.readValue(body, Argument.of(EnrollZoneRequest.class));
    } catch (IOException | RuntimeException e) {
      Matcher zone = BODY_ZONE.matcher(body == null ? "" : body);
      throw ApiProblem.badRequest(
          refusal(zone.find() ? zone.group(1) : "?", EnrollZoneRequest.class, e));
    }
  }

  private static String refusal(String zoneText, Class<?> argument, Exception e) {
    String cause = rootMessage(e);
    Matcher m = UNKNOWN.matcher(cause);
    String zone = "zone=" + zoneText + ": ";
    if (m.find()) {
      Class<? extends Record> type = TYPES.get(m.group(2));
      String prefix = type == null ? "" : PREFIX.getOrDefault(type, "");
      String known =
          type == null
              ? ""
              : " (known: "
                  + String.join(
                      ", ",
                      Arrays.stream(type.getRecordComponents())
                          .map(c -> prefix + c.getName())
                          .toList())
                  + ")";
      return zone + "unknown field '" + prefix + m.group(1) + "' in the request body" + known;
    }
    return zone
        + "the request body cannot be read as "
        + argument.getSimpleName()
        + ": "
        + (cause.length() > MAX_CAUSE ? cause.substring(0, MAX_CAUSE) + "…" : cause);
  }

  /** The zone of the path, else "?". */
  private static String pathZone(HttpRequest<?> request) {
    Matcher path = PATH_ZONE.matcher(request.getPath());
    return path.find() ? URLDecoder.decode(path.group(1), StandardCharsets.UTF_8) : "?";
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }
}
