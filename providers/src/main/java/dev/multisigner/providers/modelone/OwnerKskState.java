package dev.multisigner.providers.modelone;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Record;

/**
 * What the zone owner's KSK holder "serves" for a zone, kept in a text file per zone ({@code
 * <zone>.served}, master-file records): the member ZSKs imported into the RRset it signs and the
 * CDS/CDNSKEY set published. Public data only; written whole and moved into place, so a reader in
 * another process (the collector) never sees half a file.
 */
public final class OwnerKskState {

  private final SignerId signer;
  private final Path directory;

  public OwnerKskState(SignerId signer, Path directory) {
    this.signer = signer;
    this.directory = directory;
  }

  /** The records kept for a zone, by type. */
  public record Served(
      List<DNSKEYRecord> dnskeys, List<CDSRecord> cds, List<CDNSKEYRecord> cdnskeys) {
    List<Record> all() {
      List<Record> out = new ArrayList<>(dnskeys);
      out.addAll(cds);
      out.addAll(cdnskeys);
      return out;
    }
  }

  /** The zone's records (none before the first write). */
  public Served read(ZoneName zone) {
    Path file = file(zone);
    List<DNSKEYRecord> dnskeys = new ArrayList<>();
    List<CDSRecord> cds = new ArrayList<>();
    List<CDNSKEYRecord> cdnskeys = new ArrayList<>();
    if (!Files.exists(file)) {
      return new Served(dnskeys, cds, cdnskeys);
    }
    try (Master m =
        new Master(new ByteArrayInputStream(Files.readAllBytes(file)), zone.toName(), 3600)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        if (r instanceof CDNSKEYRecord c) {
          cdnskeys.add(c);
        } else if (r instanceof DNSKEYRecord k) {
          dnskeys.add(k);
        } else if (r instanceof CDSRecord c) {
          cds.add(c);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw ProviderException.of(
          ProviderException.Kind.UNAVAILABLE,
          zone,
          signer,
          "cannot read the owner KSK holder's state " + file + ": " + e.getMessage());
    }
    return new Served(dnskeys, cds, cdnskeys);
  }

  /** Replaces the zone's records. */
  public void write(ZoneName zone, List<Record> records) {
    Path file = file(zone);
    StringBuilder text = new StringBuilder();
    records.forEach(r -> text.append(r).append('\n'));
    try {
      Files.createDirectories(directory);
      Path tmp = Files.createTempFile(directory, ".served-", ".tmp");
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw ProviderException.of(
          ProviderException.Kind.UNAVAILABLE,
          zone,
          signer,
          "cannot write the owner KSK holder's state " + file + ": " + e.getMessage());
    }
  }

  private Path file(ZoneName zone) {
    return directory.resolve(zone.toName().toString(true) + ".served");
  }
}
