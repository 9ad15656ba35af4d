package dev.multisigner.providers.modelone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.http.JsonHttp;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/**
 * A Knot DNS 3.2 member in offline-KSK mode ({@code offline-ksk: on}, {@code manual: on}), driven
 * through its own tools: {@code keymgr <zone> generate-ksr} tells which ZSKs it signs with, and an
 * SKR is installed with {@code keymgr validate-skr}, {@code keymgr import-skr} and {@code knotc
 * zone-keys-load}. The two command prefixes are configuration (for example {@code keymgr -c
 * /etc/knot/knot.conf}, or the same behind {@code ssh knot-host}); no secret is passed on them.
 */
public final class KnotKeymgr {

  private static final Logger LOG = LoggerFactory.getLogger(KnotKeymgr.class);

  private final SignerId signer;
  private final List<String> keymgr;
  private final List<String> knotc;
  private final Duration timeout;

  public KnotKeymgr(SignerId signer, List<String> keymgr, List<String> knotc, Duration timeout) {
    this.signer = signer;
    this.keymgr = List.copyOf(keymgr);
    this.knotc = List.copyOf(knotc);
    this.timeout = timeout;
  }

  /** A keymgr used only to list a zone's keys (an RFC 2136 Knot signer's key-manager channel). */
  public static KnotKeymgr listing(SignerId signer, List<String> keymgr, Duration timeout) {
    return new KnotKeymgr(signer, keymgr, List.of(), timeout);
  }

  /**
   * The tags of the keys Knot holds for the zone ({@code keymgr -j <zone> list}). A public-only key
   * (one an operator imported with {@code import-pub}) is not Knot's: it holds no private key.
   */
  public Set<Integer> ownKeyTags(ZoneName zone) {
    String out = run(zone.toName(), cmd(keymgr, "-j", zone.toString(), "list"));
    Set<Integer> tags = new TreeSet<>();
    try {
      for (JsonNode key : JsonHttp.JSON.readTree(out)) {
        if (!key.path("public-only").asBoolean(false) && key.path("tag").isInt()) {
          tags.add(key.path("tag").asInt());
        }
      }
    } catch (IOException | RuntimeException e) {
      throw ProviderException.of(
          ProviderException.Kind.MALFORMED,
          zone,
          signer,
          "unexpected 'keymgr -j list' output: " + e.getClass().getSimpleName());
    }
    return tags;
  }

  /** The ZSKs the member signs with from {@code from} on (its KeySigningRequest). */
  public List<DNSKEYRecord> requestedZsks(Name zone, Instant from, Instant to) {
    String ksr =
        run(
            zone,
            cmd(
                keymgr,
                zone.toString(),
                "generate-ksr",
                Long.toString(from.getEpochSecond()),
                Long.toString(to.getEpochSecond())));
    try {
      return SignedKeyResponse.zsksOfKeySigningRequest(zone, ksr);
    } catch (IllegalArgumentException e) {
      throw ProviderException.of(
          ProviderException.Kind.MALFORMED, zoneName(zone), signer, e.getMessage());
    }
  }

  /**
   * Installs {@code skr} at the member after {@link SignedKeyResponse#check} (signed by {@code
   * ownerKsk} in every section, still valid for {@code margin}); a failed check is a permanent
   * error and nothing reaches Knot. Then Knot's own {@code validate-skr}, {@code import-skr} and
   * {@code zone-keys-load}.
   */
  public void install(SignedKeyResponse skr, DNSKEYRecord ownerKsk, Instant now, Duration margin) {
    Name zone = skr.zone();
    try {
      skr.check(ownerKsk, now, margin);
    } catch (IllegalArgumentException e) {
      throw ProviderException.of(
          ProviderException.Kind.MALFORMED,
          zoneName(zone),
          signer,
          "SKR not installed: " + e.getMessage());
    }
    Path file = null;
    try {
      file = Files.createTempFile("multisigner-skr-", ".txt");
      Files.writeString(file, skr.render(now), StandardCharsets.US_ASCII);
      run(zone, cmd(keymgr, zone.toString(), "validate-skr", file.toString()));
      run(zone, cmd(keymgr, zone.toString(), "import-skr", file.toString()));
    } catch (IOException e) {
      throw ProviderException.of(
          ProviderException.Kind.UNAVAILABLE,
          zoneName(zone),
          signer,
          "cannot write the SKR file: " + e.getMessage());
    } finally {
      if (file != null) {
        file.toFile().delete();
      }
    }
    run(zone, cmd(knotc, "zone-keys-load", zone.toString()));
    if (run(zone, cmd(knotc, "zone-status", zone.toString())).contains("serial: -")) {
      // a member's first SKR: Knot could not load the zone without one, so load it now
      run(zone, cmd(knotc, "zone-reload", zone.toString()));
    }
    LOG.info(
        "event=skr_installed provider=knot signer={} zone={} sections={} valid_until={}",
        signer,
        zone,
        skr.sections().size(),
        skr.validUntil());
  }

  private static List<String> cmd(List<String> prefix, String... args) {
    List<String> out = new ArrayList<>(prefix);
    out.addAll(List.of(args));
    return out;
  }

  private ZoneName zoneName(Name zone) {
    return ZoneName.of(zone.toString());
  }

  private String run(Name zone, List<String> command) {
    String shown = String.join(" ", command);
    Path out = null;
    try {
      out = Files.createTempFile("multisigner-keymgr-", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw ProviderException.of(
            ProviderException.Kind.TIMEOUT,
            zoneName(zone),
            signer,
            "no answer in " + timeout + " from: " + shown);
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw ProviderException.of(
            text.contains("invalid") || text.contains("error: ")
                ? ProviderException.Kind.REFUSED
                : ProviderException.Kind.UNAVAILABLE,
            zoneName(zone),
            signer,
            "'" + shown + "' failed (" + p.exitValue() + "): " + text.strip());
      }
      return text;
    } catch (IOException e) {
      throw ProviderException.of(
          ProviderException.Kind.UNAVAILABLE,
          zoneName(zone),
          signer,
          "cannot run '" + shown + "': " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProviderException.of(
          ProviderException.Kind.TIMEOUT, zoneName(zone), signer, "interrupted: " + shown);
    } finally {
      if (out != null) {
        out.toFile().delete();
      }
    }
  }
}
