package dev.multisigner.cli;

import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ZoneIntent;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Demo's configuration of the lab world (service properties, enrollment intent), opened to the
 * benchmarks without editing the cli module: this class lives in cli's package but in the bench
 * jar, so the benchmarks measure exactly the configuration {@code multisigner demo} runs.
 */
public final class DemoWorld {

  private DemoWorld() {}

  /** {@link Demo}'s per-service properties for the lab (signers, parent, 500 ms collector poll). */
  public static Map<String, Object> properties(DnsLab lab, Service service) {
    return Demo.properties(lab, service);
  }

  /** {@link Demo}'s NOTIFY wiring: knot-a notifies the running key-collector; returns where. */
  public static InetSocketAddress wireNotify(DnsLab lab, LocalStack stack) {
    return Demo.wireNotify(lab, stack);
  }

  /** {@link Demo}'s group policy (model 2, the lab's short TTLs). */
  public static GroupPolicy labPolicy() {
    return Demo.labPolicy();
  }

  /** {@link Demo}'s EnrollZone intent (knot-a + pdns-b, model 2, the lab's short TTLs). */
  public static ZoneIntent enroll(String zone) {
    return Demo.enroll(zone);
  }
}
