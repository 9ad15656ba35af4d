package dev.multisigner.coordinator.api;

import dev.multisigner.coordinator.api.ZoneViews.ZoneDetails;
import dev.multisigner.coordinator.api.ZoneViews.ZoneSummary;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Status;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator API: every change becomes an intent on {@code multisigner.zone.intents} (202 with
 * its event id; the coordinator decides asynchronously and answers with a zone event caused by it);
 * reads come from the zone-state store of the instance that runs the zone ({@link ZoneStates}).
 * Nothing here changes state directly.
 */
@Controller("/zones")
@Requires(env = "signer-coordinator")
@ExecuteOn(TaskExecutors.BLOCKING) // reads may ask another instance, writes wait for the broker
@Tag(name = "zones", description = "Zones under multi-signer management")
public class ZonesController {

  private static final Logger LOG = LoggerFactory.getLogger(ZonesController.class);
  private static final int MAX_LIMIT = 1000;

  private final OperatorIntents intents;
  private final ZoneStates states;
  private final JsonMapper json;

  public ZonesController(OperatorIntents intents, ZoneStates states, JsonMapper json) {
    this.intents = intents;
    this.states = states;
    this.json = json;
  }

  @Post
  @Status(HttpStatus.ACCEPTED)
  @Operation(
      summary = "Enroll a zone",
      description =
          "Checks the group as the coordinator will (two or more signers configured here, one"
              + " algorithm, a supported model, capabilities) and appends an EnrollZone intent.")
  @ApiResponse(responseCode = "202", description = "EnrollZone intent appended")
  @ApiResponse(responseCode = "400", description = "Malformed zone or an unworkable group")
  @ApiResponse(responseCode = "409", description = "The zone is already enrolled")
  @ApiResponse(responseCode = "503", description = "Zone state not queryable yet")
  public IntentAccepted enroll(
      @Body
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = "application/json",
                      schema = @Schema(implementation = EnrollZoneRequest.class)))
          String body) {
    // read here rather than bound, so a body that does not bind is refused naming its zone
    return intents.enroll(RequestBodies.enrollment(json, body));
  }

  @Get
  @Operation(
      summary = "List zones",
      description =
          "Zones by name. With several coordinator instances, every instance's zones: each"
              + " instance's part is asked from it and merged.")
  @ApiResponse(
      responseCode = "503",
      description = "Zone state not queryable yet, or an instance is rebalancing (Retry-After)")
  public List<ZoneSummary> list(
      @Nullable @QueryValue @Schema(description = "List zones after this one (paging)")
          String after,
      @Nullable @QueryValue @Schema(description = "At most this many (default and max 1000)")
          Integer limit) {
    int n = limit == null || limit <= 0 ? MAX_LIMIT : Math.min(limit, MAX_LIMIT);
    String from = after == null ? null : OperatorIntents.zone(after).value();
    return states.summaries(from, n);
  }

  @Get("/{zone}")
  @Operation(
      summary = "Show a zone",
      description =
          "Signers and their phases, keys and where each is published or imported, processes and"
              + " steps, pending DS/NS requests, the next wake-up, halt reason.")
  @ApiResponse(responseCode = "404", description = "The zone was never enrolled")
  @ApiResponse(
      responseCode = "503",
      description =
          "The zone's owning instance is moving, restoring or not answering (Retry-After)")
  public ZoneDetails show(@PathVariable String zone) {
    return ZoneViews.details(states.known(OperatorIntents.zone(zone)));
  }

  @Post("/{zone}/resume")
  @Status(HttpStatus.ACCEPTED)
  @Operation(summary = "Resume a halted zone", description = "Appends a ResumeZone intent.")
  @ApiResponse(responseCode = "404", description = "The zone was never enrolled")
  @ApiResponse(responseCode = "409", description = "The zone is not halted or is retired")
  public IntentAccepted resume(@PathVariable String zone, @Nullable @Body OperatorNote note) {
    return intents.resume(zone, note);
  }

  @Post("/{zone}/signers")
  @Status(HttpStatus.ACCEPTED)
  @Operation(summary = "Add a signer", description = "Appends an AddSigner intent (a join).")
  @ApiResponse(responseCode = "400", description = "Unconfigured signer or an unworkable group")
  @ApiResponse(responseCode = "404", description = "The zone was never enrolled")
  @ApiResponse(responseCode = "409", description = "Already a member, or the zone is retired")
  public IntentAccepted addSigner(@PathVariable String zone, @Body SignerRequest signer) {
    return intents.addSigner(zone, signer);
  }

  @Delete("/{zone}/signers/{id}")
  @Status(HttpStatus.ACCEPTED)
  @Operation(summary = "Remove a signer", description = "Appends a RemoveSigner intent (a leave).")
  @ApiResponse(responseCode = "404", description = "Unknown zone, or the signer is not a member")
  public IntentAccepted removeSigner(@PathVariable String zone, @PathVariable String id) {
    return intents.removeSigner(zone, id);
  }

  @Post("/{zone}/rollovers")
  @Status(HttpStatus.ACCEPTED)
  @Operation(summary = "Roll a signer's key", description = "Appends a RollKey intent.")
  @ApiResponse(responseCode = "400", description = "Unknown role")
  @ApiResponse(responseCode = "404", description = "Unknown zone, or the signer is not a member")
  public IntentAccepted roll(@PathVariable String zone, @Body RollKeyRequest request) {
    return intents.rollKey(zone, request);
  }

  @Post("/{zone}/algorithm-rollover")
  @Status(HttpStatus.ACCEPTED)
  @Operation(
      summary = "Roll the whole group to another algorithm",
      description =
          "Appends a RollAlgorithm intent (RFC 6781 §4.1.4 double signature): each signer rolls"
              + " its own keys; the new algorithm enters CDS/DS only once every signer signs with"
              + " both.")
  @ApiResponse(responseCode = "400", description = "No algorithm, or one not to sign with")
  @ApiResponse(responseCode = "404", description = "Unknown zone")
  @ApiResponse(responseCode = "409", description = "The group already uses that algorithm")
  public IntentAccepted rollAlgorithm(
      @PathVariable String zone, @Body AlgorithmRollRequest request) {
    return intents.rollAlgorithm(zone, request);
  }

  @Delete("/{zone}")
  @Status(HttpStatus.ACCEPTED)
  @Operation(summary = "Retire a zone", description = "Appends a RetireZone intent.")
  @ApiResponse(responseCode = "404", description = "The zone was never enrolled")
  public IntentAccepted retire(@PathVariable String zone, @Nullable @Body OperatorNote note) {
    return intents.retire(zone, note);
  }

  /**
   * A body that does not bind to the request's type: an unknown field (a misspelt policy field
   * would otherwise silently take its default), a wrong type, no JSON. A 400 naming the zone (from
   * the path, or the body's {@code zone} when it is readable) and the field.
   */
  @Error(exception = ConversionErrorException.class)
  HttpResponse<ApiError> unreadable(HttpRequest<?> request, ConversionErrorException e) {
    return refused(request, ApiProblem.badRequest(RequestBodies.refusal(request, e)));
  }

  /** Every operator API controller's refusal (global: the audit and peer reads throw it too). */
  @Error(global = true, exception = ApiProblem.class)
  HttpResponse<ApiError> refused(HttpRequest<?> request, ApiProblem problem) {
    LOG.info(
        "event=request_refused method={} path={} status={} reason=\"{}\"",
        request.getMethod(),
        request.getPath(),
        problem.status().getCode(),
        problem.getMessage());
    MutableHttpResponse<ApiError> response = HttpResponse.status(problem.status());
    if (problem.retryAfterSeconds() > 0) {
      response.header(HttpHeaders.RETRY_AFTER, Integer.toString(problem.retryAfterSeconds()));
    }
    return response.body(
        new ApiError(
            problem.status().getCode(), problem.status().getReason(), problem.getMessage()));
  }
}
