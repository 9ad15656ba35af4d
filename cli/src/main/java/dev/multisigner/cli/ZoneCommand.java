package dev.multisigner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multisigner.providers.Secret;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code multisigner zone}: the signer-coordinator's operator API from the command line. Each
 * subcommand is one HTTP call; the answer's JSON is printed as it comes, a refusal's message goes
 * to stderr with exit code 1.
 */
@Command(
    name = "zone",
    mixinStandardHelpOptions = true,
    description =
        "List, show, enroll, resume zones and roll their algorithm through the coordinator's"
            + " HTTP API.",
    subcommands = {
      ZoneCommand.ListZones.class,
      ZoneCommand.ShowZone.class,
      ZoneCommand.EnrollZone.class,
      ZoneCommand.ResumeZone.class,
      ZoneCommand.RollAlgorithm.class
    })
final class ZoneCommand {

  @Option(
      names = "--api",
      defaultValue = "http://127.0.0.1:8082",
      description = "The signer-coordinator's base URL. Default: ${DEFAULT-VALUE}")
  URI api;

  @Option(
      names = "--token",
      description =
          "The operator API's bearer token, as file:/path or env:NAME (a literal is refused: it"
              + " would show in the process list). Default: $MULTISIGNER_API_TOKEN (file:/path,"
              + " env:NAME or the token itself)")
  String token;

  PrintStream out = System.out;
  PrintStream err = System.err;

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  int call(String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(api.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "application/json");
    Secret secret;
    try {
      secret = secret();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      err.println("multisigner: " + e.getMessage());
      return 2;
    }
    if (secret != null) {
      request.header("Authorization", "Bearer " + secret.reveal());
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        out.println(response.body());
        return 0;
      }
      err.println("multisigner: HTTP " + response.statusCode() + ": " + message(response.body()));
      return 1;
    } catch (IOException e) {
      err.println("multisigner: cannot reach " + api + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** The token: the option's reference, else the environment's value; none when neither is set. */
  private Secret secret() {
    if (token != null) {
      return token.isBlank() ? null : Secret.fromReference("--token", token);
    }
    String env = environment.apply("MULTISIGNER_API_TOKEN");
    return env == null || env.isBlank() ? null : Secret.fromConfig(env);
  }

  java.util.function.UnaryOperator<String> environment = System::getenv;

  private static String message(String body) {
    try {
      return JSON.readTree(body).path("message").asText(body);
    } catch (IOException e) {
      return body;
    }
  }

  static String zonePath(String zone) {
    return "/zones/" + URLEncoder.encode(zone, StandardCharsets.UTF_8);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List enrolled zones.")
  static final class ListZones implements Callable<Integer> {
    @ParentCommand ZoneCommand parent;

    @Override
    public Integer call() {
      return parent.call("GET", "/zones", null);
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a zone: signers and phases, keys, processes, pending requests, halt.")
  static final class ShowZone implements Callable<Integer> {
    @ParentCommand ZoneCommand parent;

    @Parameters(index = "0", description = "The zone")
    String zone;

    @Override
    public Integer call() {
      return parent.call("GET", zonePath(zone), null);
    }
  }

  @Command(
      name = "enroll",
      mixinStandardHelpOptions = true,
      description = "Enroll a zone with two or more signers; policy fields left out take defaults.")
  static final class EnrollZone implements Callable<Integer> {
    @ParentCommand ZoneCommand parent;

    @Parameters(index = "0", description = "The zone")
    String zone;

    @Option(
        names = "--signer",
        required = true,
        description = "id:nameserver[,nameserver...], e.g. knot-a:ns1.example.test (repeat)")
    List<String> signers;

    @Option(names = "--algorithm", description = "The group's DNSSEC algorithm (default 13)")
    Integer algorithm;

    @Option(names = "--dnskey-ttl", description = "DNSKEY TTL in seconds (default 3600)")
    Integer dnskeyTtl;

    @Option(
        names = "--ns-channel",
        description =
            "How the parent takes NS changes: DNS_UPDATE (default) or CSYNC_SCAN (the signers"
                + " publish CSYNC, RFC 7477); repeat for both")
    List<String> nsChannels;

    @Override
    public Integer call() {
      ObjectNode body = JSON.createObjectNode().put("zone", zone);
      ArrayNode list = body.putArray("signers");
      for (String s : signers) {
        int colon = s.indexOf(':');
        if (colon <= 0) {
          parent.err.println(
              "multisigner: --signer '" + s + "' must be id:nameserver[,nameserver...]");
          return 2;
        }
        ObjectNode signer = list.addObject().put("id", s.substring(0, colon));
        ArrayNode ns = signer.putArray("nameservers");
        for (String n : s.substring(colon + 1).split(",")) {
          ns.add(n.trim());
        }
      }
      ObjectNode policy = body.putObject("policy");
      if (algorithm != null) {
        policy.put("algorithm", algorithm);
      }
      if (dnskeyTtl != null) {
        policy.put("dnskeyTtlSeconds", dnskeyTtl);
      }
      if (nsChannels != null) {
        ArrayNode channels = policy.putArray("nsChannels");
        nsChannels.forEach(channels::add);
      }
      return parent.call("POST", "/zones", body.toString());
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a halted zone.")
  static final class ResumeZone implements Callable<Integer> {
    @ParentCommand ZoneCommand parent;

    @Parameters(index = "0", description = "The zone")
    String zone;

    @Option(names = "--operator", defaultValue = "${sys:user.name}", description = "Who resumes")
    String operator;

    @Option(names = "--reason", required = true, description = "Why it is safe to resume")
    String reason;

    @Override
    public Integer call() {
      String body =
          JSON.createObjectNode().put("operator", operator).put("reason", reason).toString();
      return parent.call("POST", zonePath(zone) + "/resume", body);
    }
  }

  @Command(
      name = "roll-algorithm",
      mixinStandardHelpOptions = true,
      description =
          "Roll the whole group to another DNSSEC algorithm (RFC 6781 §4.1.4): each signer then"
              + " rolls its own keys; the new algorithm enters CDS/DS once every signer signs with"
              + " both.")
  static final class RollAlgorithm implements Callable<Integer> {
    @ParentCommand ZoneCommand parent;

    @Parameters(index = "0", description = "The zone")
    String zone;

    @Parameters(index = "1", description = "The new algorithm number, e.g. 15 (Ed25519)")
    int algorithm;

    @Option(names = "--operator", defaultValue = "${sys:user.name}", description = "Who asks")
    String operator;

    @Override
    public Integer call() {
      String body =
          JSON.createObjectNode().put("algorithm", algorithm).put("operator", operator).toString();
      return parent.call("POST", zonePath(zone) + "/algorithm-rollover", body);
    }
  }
}
