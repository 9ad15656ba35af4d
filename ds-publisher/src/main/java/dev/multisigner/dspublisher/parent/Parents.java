package dev.multisigner.dspublisher.parent;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;

/** The configured parents; finds the one whose zone is the closest enclosing zone of a child. */
@Singleton
@Requires(env = "ds-publisher")
public class Parents {

  private final List<DnsUpdateParent> parents;

  public Parents(List<ParentConfig> configs) {
    this.parents = configs.stream().map(DnsUpdateParent::new).toList();
  }

  /** The parent for {@code child}, or empty when none is configured. */
  public Optional<DnsUpdateParent> forChild(Name child) {
    return parents.stream()
        .filter(p -> child.subdomain(p.zone()) && !child.equals(p.zone()))
        .max(Comparator.comparingInt(p -> p.zone().labels()));
  }

  /** How many parents are configured. */
  public int size() {
    return parents.size();
  }
}
