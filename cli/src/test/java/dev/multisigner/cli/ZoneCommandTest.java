package dev.multisigner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code multisigner zone} against a local HTTP server that records what it receives and answers as
 * the coordinator's API does (the API itself is tested in signer-coordinator's ZonesApiTest).
 */
class ZoneCommandTest {

  private HttpServer server;
  private final List<String> received = new ArrayList<>();
  private final List<String> authorizations = new ArrayList<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/zones",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          boolean refuse = body.contains("bad..zone");
          byte[] answer =
              (refuse
                      ? "{\"status\":400,\"error\":\"Bad Request\",\"message\":\"zone: 'bad..zone'"
                          + " is not a valid domain name\"}"
                      : "{\"eventId\":\"e-1\",\"zone\":\"example.test.\",\"intent\":\"EnrollZone\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(refuse ? 400 : 202, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void enrollPostsTheZoneItsSignersAndThePolicyFieldsGiven() {
    int code =
        run(
            "enroll",
            "example.test",
            "--signer",
            "knot-a:ns1.example.test",
            "--signer",
            "pdns-b:ns2.example.test,ns3.example.test",
            "--algorithm",
            "13");

    assertThat(code).isZero();
    assertThat(received)
        .containsExactly(
            "POST /zones {\"zone\":\"example.test\",\"signers\":["
                + "{\"id\":\"knot-a\",\"nameservers\":[\"ns1.example.test\"]},"
                + "{\"id\":\"pdns-b\",\"nameservers\":[\"ns2.example.test\",\"ns3.example.test\"]}],"
                + "\"policy\":{\"algorithm\":13}}");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"eventId\":\"e-1\"");
  }

  @Test
  void aRefusalPrintsTheApisMessageAndExitsWithOne() {
    int code = run("enroll", "bad..zone", "--signer", "knot-a:ns1.x", "--signer", "pdns-b:ns2.x");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("HTTP 400: zone: 'bad..zone' is not a valid domain name");
  }

  @Test
  void showAndResumeAddressTheZonesPath() {
    run("show", "example.test.");
    run("resume", "example.test.", "--operator", "alice", "--reason", "checked");

    assertThat(received)
        .containsExactly(
            "GET /zones/example.test. ",
            "POST /zones/example.test./resume {\"operator\":\"alice\",\"reason\":\"checked\"}");
  }

  @Test
  void rollAlgorithmAndCsyncChannelsGoToTheirFields() {
    run("roll-algorithm", "example.test.", "15", "--operator", "alice");
    run(
        "enroll",
        "example.test",
        "--signer",
        "knot-a:ns.knot-a.test",
        "--signer",
        "pdns-b:ns.pdns-b.test",
        "--ns-channel",
        "CSYNC_SCAN");

    assertThat(received)
        .containsExactly(
            "POST /zones/example.test./algorithm-rollover {\"algorithm\":15,\"operator\":\"alice\"}",
            "POST /zones {\"zone\":\"example.test\",\"signers\":["
                + "{\"id\":\"knot-a\",\"nameservers\":[\"ns.knot-a.test\"]},"
                + "{\"id\":\"pdns-b\",\"nameservers\":[\"ns.pdns-b.test\"]}],"
                + "\"policy\":{\"nsChannels\":[\"CSYNC_SCAN\"]}}");
  }

  @Test
  void theBearerTokenIsReadFromAFileAndSentAsAuthorization(@TempDir Path dir) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "op-secret-77\n");

    run("--token", "file:" + token, "list");
    run("--token", "", "list");

    assertThat(authorizations).containsExactly("Bearer op-secret-77", "null");
  }

  @Test
  void aLiteralTokenOnTheCommandLineIsRefusedAndNothingIsSent() {
    int code = run("--token", "op-secret-literal", "list");

    assertThat(code).isEqualTo(2);
    assertThat(received).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--token: a literal secret is refused")
        .contains("file:/path or env:NAME")
        .doesNotContain("op-secret-literal");
  }

  private int run(String... args) {
    ZoneCommand zone = new ZoneCommand();
    zone.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    zone.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    String[] all = new String[args.length + 2];
    all[0] = "--api";
    all[1] = "http://127.0.0.1:" + server.getAddress().getPort();
    System.arraycopy(args, 0, all, 2, args.length);
    return new CommandLine(zone).execute(all);
  }
}
