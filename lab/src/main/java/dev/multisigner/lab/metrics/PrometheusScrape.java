package dev.multisigner.lab.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a service's {@code /prometheus} page (the Prometheus text format Micrometer writes) for
 * tests that check a metric appears and moves in a real run.
 */
public final class PrometheusScrape {

  private final URI page;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The {@code /prometheus} page of the service at {@code base}. */
  public PrometheusScrape(URI base) {
    this.page = base.resolve("/prometheus");
  }

  /** The page's text; fails unless the service answers 200. */
  public String scrape() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(page + " answered " + r.statusCode());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException(page + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The sum of the samples of {@code name} whose labels contain every one of {@code labels} (each
   * written as on the page, e.g. {@code signer="knot-a"}); -1 when there is no such sample.
   */
  public double value(String name, String... labels) {
    return valueIn(scrape(), name, labels);
  }

  /** {@link #value(String, String...)} over a page already read. */
  public static double valueIn(String page, String name, String... labels) {
    double sum = 0;
    boolean found = false;
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$");
    for (String l : page.lines().toList()) {
      Matcher m = line.matcher(l);
      if (!m.matches()) {
        continue;
      }
      String set = m.group(1) == null ? "" : m.group(1);
      if (List.of(labels).stream().allMatch(set::contains)) {
        found = true;
        sum += Double.parseDouble(m.group(2));
      }
    }
    return found ? sum : -1;
  }
}
