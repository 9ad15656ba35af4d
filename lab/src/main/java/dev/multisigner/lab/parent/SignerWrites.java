package dev.multisigner.lab.parent;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabException;
import dev.multisigner.lab.dns.PdnsSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Update;

/**
 * How the lab's apex helpers ({@link ChildApex}, {@link ChildCds}) change a signer as its operator
 * would: a DNS UPDATE with TSIG at Knot, an HTTP API PATCH at PowerDNS, then a wait until the
 * signer serves the change.
 */
final class SignerWrites {

  private static final Duration SERVED_WITHIN = Duration.ofSeconds(10);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private SignerWrites() {}

  /** Sends {@code u} to Knot with its TSIG key; {@code what} names the change in errors. */
  static void knotUpdate(KnotSigner k, Update u, String what) {
    SimpleResolver r =
        AuthoritativeDns.signed(k.dnsAddress(), Duration.ofSeconds(5), k.tsig().toTsig());
    try {
      Message resp = r.send(u);
      if (resp.getRcode() != Rcode.NOERROR) {
        throw new LabException(
            "Knot "
                + k.id()
                + " answered the "
                + what
                + " UPDATE "
                + Rcode.string(resp.getRcode()));
      }
    } catch (IOException e) {
      throw new LabException("Knot " + k.id() + " did not answer the " + what + " UPDATE", e);
    }
  }

  /** PATCHes the zone at PowerDNS with {@code body} ({"rrsets":[...]}); expects HTTP 204. */
  static void pdnsPatch(PdnsSigner p, String body, String what) {
    String zone = p.zone().toString();
    try {
      HttpResponse<String> resp =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(p.apiUrl() + "/servers/" + p.serverId() + "/zones/" + zone))
                  .header("X-API-Key", p.apiKey())
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(5))
                  .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != 204) {
        throw new LabException(
            "PowerDNS "
                + p.id()
                + " answered the "
                + what
                + " PATCH with HTTP "
                + resp.statusCode()
                + ": "
                + resp.body());
      }
    } catch (IOException e) {
      throw new LabException(
          "PowerDNS " + p.id() + " API did not answer the " + what + " PATCH", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }

  /**
   * Waits until {@code served} holds, up to 10 s.
   *
   * @throws LabException with {@code notServed}'s text after 10 s
   */
  static void awaitServed(BooleanSupplier served, Supplier<String> notServed) {
    long deadline = System.nanoTime() + SERVED_WITHIN.toNanos();
    while (!served.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new LabException(notServed.get() + " after " + SERVED_WITHIN);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LabException("interrupted", e);
      }
    }
  }
}
