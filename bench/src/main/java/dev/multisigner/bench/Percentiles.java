package dev.multisigner.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Nearest-rank percentiles of a sample (no interpolation: every value reported was measured). */
public final class Percentiles {

  private final List<Long> sorted;

  public Percentiles(List<Long> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    List<Long> copy = new ArrayList<>(samples);
    Collections.sort(copy);
    this.sorted = List.copyOf(copy);
  }

  /** The smallest sample such that at least {@code p} percent of the samples are ≤ it. */
  public long at(double p) {
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("percentile out of (0, 100]: " + p);
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(rank, 1) - 1);
  }

  public long max() {
    return sorted.get(sorted.size() - 1);
  }

  public long min() {
    return sorted.get(0);
  }

  public double mean() {
    return sorted.stream().mapToLong(Long::longValue).average().orElse(0);
  }

  public int count() {
    return sorted.size();
  }

  /** {@code prefix_p50_ms=.. prefix_p90_ms=.. prefix_p99_ms=.. prefix_max_ms=..} on one line. */
  public String render(String prefix) {
    return String.format(
        "%1$s_p50_ms=%2$d %1$s_p90_ms=%3$d %1$s_p99_ms=%4$d %1$s_max_ms=%5$d %1$s_min_ms=%6$d"
            + " %1$s_mean_ms=%7$.1f",
        prefix, at(50), at(90), at(99), max(), min(), mean());
  }
}
