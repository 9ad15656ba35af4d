package dev.multisigner.lab.dns;

/**
 * One of Knot's own keys as {@code keymgr <zone> list} shows it.
 *
 * @param id Knot's key id (hex)
 * @param keyTag the DNSKEY key tag (RFC 4034 appendix B)
 * @param ksk true for a KSK or CSK (DNSKEY flags 257)
 * @param line the full keymgr line (timers: publish, ready, active, retire, remove)
 */
public record KnotKey(String id, int keyTag, boolean ksk, String line) {

  /** Parses one line of {@code keymgr -x <zone> list}: {@code <id> <tag> KSK|ZSK <alg> ...}. */
  static KnotKey parse(String line) {
    String[] f = line.trim().split("\\s+");
    if (f.length < 3) {
      throw new LabException("unexpected keymgr list line: " + line);
    }
    return new KnotKey(
        f[0], Integer.parseInt(f[1]), "KSK".equals(f[2]) || "CSK".equals(f[2]), line.trim());
  }
}
