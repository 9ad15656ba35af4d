package dev.multisigner.domain.decide;

import dev.multisigner.domain.plan.DnskeyPlanner;
import dev.multisigner.domain.plan.Plan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The multi-signer brain for one zone: {@code decide(state, input, now) -> Decision(state',
 * outputs)}. Pure: time comes in as {@code now}, ids come from the state's sequence number.
 *
 * <p>Every decision first records what the input says ({@link Facts}: observations into the {@link
 * KeyLedger}, results into {@link Commands}, intents through {@link Admission} into their process),
 * then, for an enrolled zone, reconciles ({@link Reconciler}, which alone knows the order of the
 * processes: {@link JoinProcess}, {@link LeaveProcess}, {@link AlgorithmRollProcess}, {@link
 * DnskeySyncProcess}, {@link ModelOneSigningProcess}, {@link ParentDsProcess}, {@link
 * NsSyncProcess}), and asks to be woken at the next deadline. Rollovers a signer starts on its own
 * need no process: the key ledger records the new key and the sync processes spread it.
 *
 * <p>A halted zone keeps importing keys (an added ZSK never breaks validation, a missing one does)
 * but removes nothing and advances no process until it is resumed or its cause goes away.
 */
public final class ZoneDecider {

  private static final ZoneDecider STANDARD = new ZoneDecider(DnskeyPlanner.standard());

  private final DnskeyPlanner planner;

  public ZoneDecider(DnskeyPlanner planner) {
    this.planner = planner;
  }

  /** Decides with the standard planners. */
  public static Decision decide(ZoneState state, ZoneInput input, Instant now) {
    return STANDARD.apply(state, input, now);
  }

  public Decision apply(ZoneState state, ZoneInput input, Instant now) {
    Draft w = new Draft(state, now, planner);
    if (!state.zone().equals(input.zone())) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "input for zone " + input.zone() + " given to zone " + state.zone() + ": ignored");
      return new Decision(state, w.outputs);
    }
    Facts.record(w, state, input);
    if (w.managed()) {
      Reconciler.reconcile(w);
    }
    w.scheduleWake();
    return new Decision(w.freeze(), w.outputs);
  }

  /**
   * What is still to change for this zone at {@code now}, with the standard planners: foreign keys
   * to add or (waits passed) remove at each member, the CDS set, the parent's DS and NS sets, and
   * the reason the DS plan is refused if it is unsafe. Reads the state only; commands in flight
   * still count as changes until observed (see {@link ZonePlan}).
   */
  public static Plan plan(ZoneState state, Instant now) {
    return ZonePlan.of(new Draft(state, now, STANDARD.planner));
  }

  /**
   * What each running process waits for, one line each, for the operator's view: a member's join or
   * leave, its DNSKEY, model 1 and NS/CSYNC commands in flight, the algorithm rollover and the DS
   * request at the parent.
   */
  public static List<String> describe(ZoneState state) {
    List<String> lines = new ArrayList<>();
    state
        .members()
        .forEach(
            m -> {
              for (String line :
                  List.of(
                      m.phase().leaving() ? LeaveProcess.describe(m) : JoinProcess.describe(m),
                      DnskeySyncProcess.describe(m),
                      ModelOneSigningProcess.describe(m),
                      NsSyncProcess.describe(m))) {
                if (!line.isEmpty()) {
                  lines.add("signer=" + m.id() + " " + line);
                }
              }
            });
    String roll = AlgorithmRollProcess.describe(state.algorithmRoll());
    if (!roll.isEmpty()) {
      lines.add(roll);
    }
    String ds = ParentDsProcess.describe(state);
    if (!ds.isEmpty()) {
      lines.add(ds);
    }
    return lines;
  }
}
