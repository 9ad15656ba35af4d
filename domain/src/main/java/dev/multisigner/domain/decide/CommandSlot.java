package dev.multisigner.domain.decide;

import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.Pending;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The command slots of a member: one command of each kind in flight (the last two in model 1). */
enum CommandSlot {
  IMPORTING(Member::importing, Member::withImporting),
  WITHDRAWING(Member::withdrawing, Member::withWithdrawing),
  CDS(Member::cdsPublishing, Member::withCdsPublishing),
  NS(Member::nsPublishing, Member::withNsPublishing),
  CSYNC(Member::csyncPublishing, Member::withCsyncPublishing),
  SIGNING(Member::signing, Member::withSigning),
  INSTALLING(Member::installing, Member::withInstalling);

  private final Function<Member, Pending> getter;
  private final BiFunction<Member, Pending, Member> setter;

  CommandSlot(Function<Member, Pending> g, BiFunction<Member, Pending, Member> s) {
    this.getter = g;
    this.setter = s;
  }

  Pending get(Member m) {
    return getter.apply(m);
  }

  Member set(Member m, Pending p) {
    return setter.apply(m, p);
  }
}
