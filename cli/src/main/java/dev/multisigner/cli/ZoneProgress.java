package dev.multisigner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The zone's progress as the coordinator's operator API shows it ({@code GET /zones/{zone}}): the
 * running processes with their step, and each wait with its remaining time. Prints a line when the
 * processes change, and while a wait runs, its countdown every few seconds.
 */
final class ZoneProgress {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration COUNTDOWN_EVERY = Duration.ofSeconds(4);

  private final URI zoneUrl;
  private final Optional<String> authorization;
  private final PrintStream out;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private String lastShape = "";
  private Instant lastPrinted = Instant.EPOCH;

  /** With the operator API's {@code Authorization} header value, when the API needs one. */
  ZoneProgress(
      String coordinatorUrl,
      Optional<String> authorization,
      String zone,
      PrintStream out,
      Clock clock) {
    this.authorization = authorization;
    this.zoneUrl =
        URI.create(coordinatorUrl + "/zones/" + URLEncoder.encode(zone, StandardCharsets.UTF_8));
    this.out = out;
    this.clock = clock;
  }

  /** Asks the API once and prints what changed (nothing while the zone is not known yet). */
  void print() {
    JsonNode zone;
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(zoneUrl).timeout(Duration.ofSeconds(3)).GET();
      authorization.ifPresent(a -> request.header("Authorization", a));
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return;
      }
      zone = JSON.readTree(r.body());
    } catch (IOException e) {
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Instant now = clock.instant();
    List<String> shape = new ArrayList<>();
    List<String> shown = new ArrayList<>();
    for (JsonNode p : zone.path("processes")) {
      String what =
          p.path("process").asText()
              + (p.path("signer").isTextual() ? "(" + p.path("signer").asText() + ")" : "")
              + ": "
              + p.path("step").asText();
      shape.add(what);
      shown.add(what + remaining(p.path("until"), now));
    }
    String waking = zone.path("wakeAt").isTextual() ? zone.path("wakeAt").asText() : null;
    String line =
        (shown.isEmpty() ? "no process running" : String.join("; ", shown))
            + (zone.path("halted").asBoolean()
                ? " [HALTED: " + zone.path("haltReason").asText() + "]"
                : "")
            + (waking == null ? "" : "; next wake-up" + remaining(zone.path("wakeAt"), now));
    String key = String.join("; ", shape) + zone.path("halted").asBoolean();
    boolean waiting = waking != null && Instant.parse(waking).isAfter(now);
    if (!key.equals(lastShape)
        || (waiting && Duration.between(lastPrinted, now).compareTo(COUNTDOWN_EVERY) >= 0)) {
      out.println("progress: " + line);
      lastShape = key;
      lastPrinted = now;
    }
  }

  private static String remaining(JsonNode until, Instant now) {
    if (!until.isTextual()) {
      return "";
    }
    Instant at = Instant.parse(until.asText());
    long left = Duration.between(now, at).toSeconds();
    return left > 0 ? " (wait: " + left + " s left, until " + at + ")" : " (wait over)";
  }
}
