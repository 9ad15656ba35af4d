package dev.multisigner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.schemas.avro.Dnskey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The coordinator's status page in a real headless Chromium (Debian's chromium and chromedriver):
 * the operator API requires a token, the page asks for it, then shows the enrolled zone's signer ×
 * key matrix (with which keys sign each signer's DNSKEY RRset, and each signer's CDS and CDNSKEY
 * against the parent's DS) and audit timeline, and follows a ZSK roll at knot-a live (pending at
 * pdns-b, then imported) and the CDS/DS change (CDS ≠ DS, then = DS) without a reload. A screenshot
 * is left in target/status-page.png.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageBrowserTest {

  private static final String ZONE = "example.test.";
  private static final String TOKEN = "status-page-test-token";
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private CoordinatorWorld world;
  private WebDriver browser;

  @BeforeAll
  void start() {
    world = new CoordinatorWorld(dir, Map.of("multisigner.api.token", TOKEN));
    world.enroll(ZONE);
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1600",
        "--user-data-dir=" + dir.resolve("chromium-profile"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (world != null) {
      world.close();
    }
  }

  private String cell(Dnskey key, String signer) {
    return text("#matrix td[data-key='" + key.getKeyTag() + "'][data-signer='" + signer + "']");
  }

  /** The text of {@code signer}'s cell in the matrix's per-signer row {@code kind}. */
  private String row(String kind, String signer) {
    return text("#matrix tr." + kind + " td[data-signer='" + signer + "']");
  }

  /**
   * The text of the first element {@code css} selects, read in one script run: the page re-renders
   * every 2 s, and an element found first and read after may be gone by then (stale).
   */
  private String text(String css) {
    Object t =
        ((org.openqa.selenium.JavascriptExecutor) browser)
            .executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
                css);
    return t == null ? null : t.toString().trim();
  }

  private void until(String what, java.util.function.Supplier<Boolean> condition) {
    new WebDriverWait(browser, PATIENCE)
        .withMessage(what)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class) // the page re-renders
        .until(b -> Boolean.TRUE.equals(condition.get()));
  }

  @Test
  void showsTheEnrolledZonesMatrixAndFollowsARollLive() throws Exception {
    browser.get(world.coordinatorUrl() + "/status/index.html");
    // The API wants its token: the page says so and reads nothing until it has it.
    until(
        "the page asks for the token",
        () -> browser.findElement(By.id("error")).getText().contains("bearer token"));
    assertThat(browser.findElements(By.cssSelector("#zones tbody tr"))).isEmpty();
    browser.findElement(By.id("token")).sendKeys(TOKEN);
    browser.findElement(By.cssSelector("#token-form button")).click();

    Dnskey aZsk = TestRecords.key(ZONE + "a.zsk", 256);
    Dnskey bZsk = TestRecords.key(ZONE + "b.zsk", 256);
    Dnskey aKsk = TestRecords.key(ZONE + "a.ksk", 257);
    Dnskey bKsk = TestRecords.key(ZONE + "b.ksk", 257);
    until(
        "the zone is listed",
        () ->
            !browser.findElements(By.cssSelector("#zones tr[data-zone='" + ZONE + "']")).isEmpty());
    until("knot-a's ZSK imported at pdns-b", () -> "imported".equals(cell(aZsk, "pdns-b")));
    assertThat(cell(aZsk, "knot-a")).isEqualTo("own");
    assertThat(cell(bZsk, "knot-a")).isEqualTo("imported");
    assertThat(cell(bZsk, "pdns-b")).isEqualTo("own");
    // each signer's DNSKEY RRset is signed by its own KSK (as the observations say)
    assertThat(cell(aKsk, "knot-a")).isEqualTo("own ✍ DNSKEY");
    assertThat(cell(aKsk, "pdns-b")).isEqualTo("imported"); // model 2 shares KSKs (issue 16)
    assertThat(cell(bKsk, "knot-a")).isEqualTo("imported");
    assertThat(cell(bKsk, "pdns-b")).isEqualTo("own ✍ DNSKEY");
    assertThat(row("rrsig-row", "knot-a")).isEqualTo(aKsk.getKeyTag() + " ✓");
    assertThat(row("rrsig-row", "pdns-b")).isEqualTo(bKsk.getKeyTag() + " ✓");
    assertThat(row("cds-row", "knot-a")).isEqualTo("none");
    assertThat(row("cdnskey-row", "pdns-b")).isEqualTo("none");
    // the page shows the newest 40 events: under load the DS and CDS retries (every 5 s, nothing
    // applies them here) can push the enrollment out of that window, never the DS request itself
    until(
        "the audit timeline shows the zone's events",
        () ->
            !browser
                .findElements(
                    By.cssSelector(
                        "#audit li[data-type='ZoneEnrolled'], #audit li[data-type='DsChangeRequested']"))
                .isEmpty());
    assertThat(browser.findElement(By.id("parent")).getText())
        .contains("DS at the parent: " + aKsk.getKeyTag());

    // knot-a pre-publishes a new ZSK (a provider-initiated roll): the page shows it pending at
    // pdns-b, then imported once pdns-b is seen serving it - the page is never reloaded.
    Dnskey aZsk2 = TestRecords.key(ZONE + "a.zsk2", 256);
    world.observe(ZONE, "knot-a", List.of(aKsk, aZsk, aZsk2, bKsk, bZsk), aKsk, aZsk);
    until("the new ZSK is own at knot-a", () -> "own".equals(cell(aZsk2, "knot-a")));
    until("the new ZSK is pending at pdns-b", () -> "pending".equals(cell(aZsk2, "pdns-b")));
    world.observe(ZONE, "pdns-b", List.of(bKsk, bZsk, aKsk, aZsk, aZsk2), bKsk, bZsk);
    until("the new ZSK is imported at pdns-b", () -> "imported".equals(cell(aZsk2, "pdns-b")));
    // Both signers publish CDS/CDNSKEY for both KSKs: the page shows them differing from the
    // parent's DS (knot-a's KSK only), then matching it once the parent is seen with both.
    List<String> ns = List.of("ns1." + ZONE);
    List<Dnskey> keys = List.of(aKsk, aZsk, aZsk2, bKsk, bZsk);
    world.observe(ZONE, "knot-a", keys, aKsk, aZsk, ns, List.of(aKsk, bKsk));
    world.observe(ZONE, "pdns-b", keys, bKsk, bZsk, ns, List.of(aKsk, bKsk));
    String both =
        Math.min(aKsk.getKeyTag(), bKsk.getKeyTag())
            + ", "
            + Math.max(aKsk.getKeyTag(), bKsk.getKeyTag());
    until(
        "knot-a's CDS differs from the DS",
        () -> (both + " ≠ DS").equals(row("cds-row", "knot-a")));
    // pdns-b's observation is decided on its own, possibly after the refresh that showed knot-a's
    until("pdns-b's CDNSKEY names both KSKs", () -> both.equals(row("cdnskey-row", "pdns-b")));
    world.parentDs(ZONE, aKsk, bKsk);
    until("pdns-b's CDS equals the DS", () -> (both + " = DS").equals(row("cds-row", "pdns-b")));
    assertThat(row("cds-row", "knot-a")).isEqualTo(both + " = DS");
    until(
        "the audit timeline names the new key",
        () ->
            browser.findElements(By.cssSelector("#audit li")).stream()
                .anyMatch(li -> li.getText().contains(String.valueOf(aZsk2.getKeyTag()))));

    Path shot = Path.of("target", "status-page.png");
    Files.createDirectories(shot.getParent());
    Files.copy(
        ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath(),
        shot,
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(shot)).isGreaterThan(10_000);
  }
}
