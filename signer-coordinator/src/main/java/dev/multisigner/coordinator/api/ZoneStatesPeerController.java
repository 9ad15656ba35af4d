package dev.multisigner.coordinator.api;

import dev.multisigner.coordinator.api.ZoneViews.ZoneSummary;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;

/**
 * What one coordinator instance answers another (see {@link ZonePeers}): only what it holds itself,
 * never forwarded again, so a request cannot loop between instances during a rebalance. Behind the
 * operator API token like every non-public path; not part of the documented API.
 */
@Hidden
@Controller("/internal/zones")
@Requires(env = "signer-coordinator")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ZoneStatesPeerController {

  private static final int MAX_LIMIT = 1000;

  private final ZoneStates states;

  public ZoneStatesPeerController(ZoneStates states) {
    this.states = states;
  }

  /** The zone's encoded state; 404 without one; 503 when this instance does not run the zone. */
  @Get(value = "/{zone}/state", produces = MediaType.APPLICATION_OCTET_STREAM)
  public HttpResponse<byte[]> state(@PathVariable String zone) {
    byte[] bytes = states.localState(OperatorIntents.zone(zone));
    return bytes == null ? HttpResponse.notFound() : HttpResponse.ok(bytes);
  }

  /** This instance's part of the zone list. */
  @Get
  public List<ZoneSummary> list(@Nullable @QueryValue String after, @QueryValue int limit) {
    int n = limit <= 0 ? MAX_LIMIT : Math.min(limit, MAX_LIMIT);
    String from = after == null ? null : OperatorIntents.zone(after).value();
    return states.list(from, n).stream().map(ZoneViews::summary).toList();
  }
}
