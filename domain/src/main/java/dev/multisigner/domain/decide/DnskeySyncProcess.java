package dev.multisigner.domain.decide;

import dev.multisigner.domain.decide.Output.ImportDnskeys;
import dev.multisigner.domain.decide.Output.WithdrawDnskeys;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.model.KeyData;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every member that signs its own DNSKEY RRset (model 2, and the KSK holder of model 1) serves the
 * other members' zone-signing keys the planner wants it to (RFC 8901 §5.2, §6): new ones imported
 * at once, old ones withdrawn once their waits have passed (and, during an algorithm rollover, once
 * {@link AlgorithmWindow} lets old-algorithm keys go). A halted zone still imports but withdraws
 * nothing.
 *
 * <pre>
 *   foreign keys wanted != served --> IMPORTING / WITHDRAWING (ImportDnskeys / WithdrawDnskeys)
 *   IMPORTING / WITHDRAWING -- applied, then observed (Commands' settle rule) --> done
 *                              (failure or silence: the same command again after the retry interval)
 * </pre>
 */
final class DnskeySyncProcess {

  private DnskeySyncProcess() {}

  /** What the process waits for, for the operator's view of a member. */
  static String describe(Member m) {
    String importing =
        m.importing() == null ? "" : "importing " + m.importing().keys().size() + " keys";
    String withdrawing =
        m.withdrawing() == null ? "" : "withdrawing " + m.withdrawing().keys().size() + " keys";
    return importing.isEmpty() || withdrawing.isEmpty()
        ? importing + withdrawing
        : importing + ", " + withdrawing;
  }

  /** Imports and withdraws at member {@code t}; {@code members} is the group as planned. */
  static void commands(Draft w, List<Member> members, Member t) {
    Set<KeyData> desired = w.planner.foreignKeys(w.policy, members, w.keys, t, w.now);
    Set<KeyData> served = new TreeSet<>(t.served());
    List<KeyData> toImport =
        desired.stream()
            .filter(d -> !served.contains(d) && KeyLedger.importable(w, d))
            .sorted()
            .toList();
    List<KeyData> toWithdraw =
        served.stream()
            .filter(d -> !desired.contains(d))
            .filter(
                d -> {
                  KeyRecord k = w.key(d);
                  return k != null
                      && !k.owner().equals(t.id())
                      && AlgorithmWindow.mayWithdraw(w, d);
                })
            .sorted()
            .toList();
    Member cur = w.members.get(t.id());
    cur =
        Commands.command(
            w,
            cur,
            CommandSlot.IMPORTING,
            toImport,
            List.of(),
            List.of(),
            id -> new ImportDnskeys(id, t.id(), toImport),
            ZoneEventKind.KEY_IMPORT_REQUESTED,
            "import");
    if (w.status == ZoneStatus.ACTIVE && t.observed()) {
      cur =
          Commands.command(
              w,
              cur,
              CommandSlot.WITHDRAWING,
              toWithdraw,
              List.of(),
              List.of(),
              id -> new WithdrawDnskeys(id, t.id(), toWithdraw),
              ZoneEventKind.KEY_WITHDRAWAL_REQUESTED,
              "withdraw");
    }
    w.members.put(t.id(), cur);
  }
}
