package dev.multisigner.providers.rfc2136;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Update;

/**
 * Sends DNS UPDATEs over TCP, signed with TSIG, and maps the answer to success or a typed error.
 * The TSIG secret goes into the MAC only; no message built here contains it.
 */
final class Rfc2136Client {

  private final SignerId provider;
  private final InetSocketAddress server;
  private final TsigKey key;
  private final Duration timeout;

  Rfc2136Client(SignerId provider, InetSocketAddress server, TsigKey key, Duration timeout) {
    this.provider = provider;
    this.server = server;
    this.key = key;
    this.timeout = timeout;
  }

  /** Sends {@code update}; returns on NOERROR, throws a typed error otherwise. */
  void send(ZoneName zone, Update update) {
    SimpleResolver resolver = AuthoritativeDns.signed(server, timeout, key.toTsig());
    Message response;
    try {
      response = resolver.send(update);
    } catch (SocketTimeoutException e) {
      throw ProviderException.of(
          Kind.TIMEOUT, zone, provider, "no answer to UPDATE from " + server + " in " + timeout, e);
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage());
      Kind kind = m.toLowerCase().contains("timed out") ? Kind.TIMEOUT : Kind.UNAVAILABLE;
      throw ProviderException.of(kind, zone, provider, "UPDATE to " + server + " failed: " + m, e);
    }
    int rcode = response.getRcode();
    if (rcode == Rcode.NOERROR) {
      return;
    }
    throw failure(zone, rcode, response.getTSIG());
  }

  /** RFC 2136 §2.2 and RFC 8945 §5.3: what each answer means for the caller. */
  ProviderException failure(ZoneName zone, int rcode, TSIGRecord tsig) {
    String what = "UPDATE to " + server + " answered " + Rcode.string(rcode);
    return switch (rcode) {
      case Rcode.NXRRSET, Rcode.YXRRSET, Rcode.NXDOMAIN, Rcode.YXDOMAIN ->
          ProviderException.of(
              Kind.CONCURRENT_CHANGE,
              zone,
              provider,
              what + ": a prerequisite failed, the served keys changed since they were read");
      case Rcode.NOTAUTH -> notAuth(zone, what, tsig);
      case Rcode.REFUSED ->
          ProviderException.of(
              Kind.REFUSED,
              zone,
              provider,
              what + ": the server's update policy refuses key " + key.name());
      case Rcode.SERVFAIL -> ProviderException.of(Kind.UNAVAILABLE, zone, provider, what);
      case Rcode.FORMERR -> ProviderException.of(Kind.MALFORMED, zone, provider, what);
      case Rcode.NOTZONE ->
          ProviderException.of(Kind.MALFORMED, zone, provider, what + ": record outside the zone");
      default -> ProviderException.of(Kind.UNAVAILABLE, zone, provider, what);
    };
  }

  private ProviderException notAuth(ZoneName zone, String what, TSIGRecord tsig) {
    int tsigError = tsig == null ? Rcode.NOERROR : tsig.getError();
    if (tsigError != Rcode.NOERROR) {
      return ProviderException.of(
          Kind.AUTH_FAILED,
          zone,
          provider,
          what
              + " with TSIG error "
              + Rcode.TSIGstring(tsigError)
              + ": the server rejected TSIG key "
              + key.name()
              + " ("
              + key.algorithm()
              + ", secret from "
              + key.secret().origin()
              + ")");
    }
    return ProviderException.of(
        Kind.UNKNOWN_ZONE, zone, provider, what + ": the server is not authoritative for the zone");
  }
}
