package dev.multisigner.providers.modelone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;

/**
 * The owner's KSK in a PEM file on local disk: a PKCS#8 {@code PRIVATE KEY} block and its {@code
 * PUBLIC KEY} (SubjectPublicKeyInfo) block, as {@code openssl genpkey ... ; openssl pkey -pubout}
 * write them. ECDSA P-256 (13), ECDSA P-384 (14) and Ed25519 (15). The file must be readable by its
 * owner only (no group or other permission bits), or it is refused; {@link #generate} writes it
 * that way (0600, atomically, never over an existing file). The private key stays in this object:
 * {@link #toString()} shows the zone, the key tag and the path only.
 */
public final class FileOwnerKsk implements OwnerKsk {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private final Name zone;
  private final Path file;
  private final int algorithm;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private FileOwnerKsk(
      Name zone, Path file, int algorithm, PrivateKey privateKey, PublicKey publicKey) {
    this.zone = zone;
    this.file = file;
    this.algorithm = algorithm;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /**
   * Loads the key of {@code zone} from {@code pem}, checking its permissions and that both halves
   * match.
   */
  public static FileOwnerKsk load(Name zone, Path pem) {
    checkOwnerOnly(zone, pem);
    String text;
    try {
      text = Files.readString(pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new OwnerKskException(zone, "cannot read key file " + pem + ": " + e.getMessage());
    }
    byte[] priv = null;
    byte[] pub = null;
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new OwnerKskException(zone, "key file " + pem + ": a PEM block is not base64");
      }
      switch (m.group(1)) {
        case "PRIVATE KEY" -> priv = der;
        case "PUBLIC KEY" -> pub = der;
        default ->
            throw new OwnerKskException(
                zone,
                "key file "
                    + pem
                    + ": unexpected PEM block '"
                    + m.group(1)
                    + "' (want PKCS#8 PRIVATE KEY and PUBLIC KEY; encrypted keys are not read)");
      }
    }
    if (priv == null || pub == null) {
      throw new OwnerKskException(
          zone,
          "key file "
              + pem
              + " must hold a PKCS#8 'PRIVATE KEY' block and its 'PUBLIC KEY' block"
              + " (openssl pkey -in key.pem -pubout >> key.pem)");
    }
    for (String kind : new String[] {"EC", "Ed25519"}) {
      try {
        KeyFactory f = KeyFactory.getInstance(kind);
        PrivateKey privateKey = f.generatePrivate(new PKCS8EncodedKeySpec(priv));
        PublicKey publicKey = f.generatePublic(new X509EncodedKeySpec(pub));
        int algorithm = algorithmOf(zone, publicKey);
        checkPair(zone, pem, algorithm, privateKey, publicKey);
        return new FileOwnerKsk(zone, pem, algorithm, privateKey, publicKey);
      } catch (GeneralSecurityException | ClassCastException e) {
        // not this kind of key: try the next
      }
    }
    throw new OwnerKskException(
        zone, "key file " + pem + ": not an ECDSA P-256/P-384 or Ed25519 key pair");
  }

  /**
   * Generates a new key of {@code algorithm} (13, 14 or 15) for {@code zone} into {@code pem}
   * (created 0600; refused if it exists) and loads it.
   */
  public static FileOwnerKsk generate(Name zone, int algorithm, Path pem) {
    KeyPair pair;
    try {
      KeyPairGenerator g;
      switch (algorithm) {
        case DNSSEC.Algorithm.ECDSAP256SHA256 -> {
          g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec("secp256r1"));
        }
        case DNSSEC.Algorithm.ECDSAP384SHA384 -> {
          g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec("secp384r1"));
        }
        case DNSSEC.Algorithm.ED25519 -> g = KeyPairGenerator.getInstance("Ed25519");
        default ->
            throw new OwnerKskException(
                zone,
                "cannot generate algorithm "
                    + algorithm
                    + " (supported: 13 ECDSAP256SHA256, 14 ECDSAP384SHA384, 15 ED25519)");
      }
      pair = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new OwnerKskException(zone, "key generation failed: " + e.getMessage(), e);
    }
    String text =
        pem("PRIVATE KEY", pair.getPrivate().getEncoded())
            + pem("PUBLIC KEY", pair.getPublic().getEncoded());
    Path dir = pem.toAbsolutePath().getParent();
    try {
      if (!Files.isDirectory(dir)) {
        // a key directory not made yet: only its owner may list or enter it
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
      }
      Path tmp =
          Files.createTempFile(
              dir, ".ksk-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      try {
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        try {
          Files.createLink(pem, tmp); // fails if pem exists: never overwrite a key
        } catch (UnsupportedOperationException | IOException linkFailed) {
          if (linkFailed instanceof FileAlreadyExistsException) {
            throw linkFailed;
          }
          if (Files.exists(pem, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(pem.toString());
          }
          try {
            Files.move(tmp, pem, StandardCopyOption.ATOMIC_MOVE);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, pem);
          }
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new OwnerKskException(zone, "key file " + pem + " exists: not overwritten");
    } catch (IOException e) {
      throw new OwnerKskException(zone, "cannot write key file " + pem + ": " + e.getMessage());
    }
    return load(zone, pem);
  }

  @Override
  public Name zone() {
    return zone;
  }

  @Override
  public int algorithm() {
    return algorithm;
  }

  @Override
  public DNSKEYRecord dnskey(long ttl) {
    try {
      return new DNSKEYRecord(
          zone,
          DClass.IN,
          ttl,
          DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY,
          DNSKEYRecord.Protocol.DNSSEC,
          algorithm,
          publicKey);
    } catch (DNSSEC.DNSSECException e) {
      throw new OwnerKskException(zone, "cannot encode the public key: " + e.getMessage(), e);
    }
  }

  @Override
  public RRSIGRecord sign(RRset rrset, Instant inception, Instant expiration) {
    if (!rrset.getName().equals(zone)) {
      throw new OwnerKskException(
          zone,
          "refusing to sign " + rrset.getName() + ": the owner KSK signs only its zone's apex");
    }
    if (!expiration.isAfter(inception)) {
      throw new OwnerKskException(
          zone, "signature expiration " + expiration + " is not after inception " + inception);
    }
    try {
      return DNSSEC.sign(rrset, dnskey(rrset.getTTL()), privateKey, inception, expiration);
    } catch (DNSSEC.DNSSECException e) {
      throw new OwnerKskException(zone, "signing failed: " + e.getMessage(), e);
    }
  }

  /** The key file's path (not secret). */
  public Path file() {
    return file;
  }

  @Override
  public String toString() {
    return "FileOwnerKsk[zone=" + zone + " tag=" + dnskey(0).getFootprint() + " file=" + file + "]";
  }

  private static void checkOwnerOnly(Name zone, Path pem) {
    if (!Files.isRegularFile(pem)) {
      throw new OwnerKskException(zone, "key file " + pem + " does not exist or is not a file");
    }
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(pem);
    } catch (UnsupportedOperationException e) {
      return; // a file system without POSIX permissions: the operator's ACLs apply
    } catch (IOException e) {
      throw new OwnerKskException(
          zone, "cannot read permissions of " + pem + ": " + e.getMessage());
    }
    if (!OWNER_ONLY.containsAll(perms)) {
      throw new OwnerKskException(
          zone,
          "key file "
              + pem
              + " is "
              + PosixFilePermissions.toString(perms)
              + ": a private key must be readable by its owner only (chmod 600)");
    }
  }

  private static int algorithmOf(Name zone, PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits == 256) {
        return DNSSEC.Algorithm.ECDSAP256SHA256;
      }
      if (bits == 384) {
        return DNSSEC.Algorithm.ECDSAP384SHA384;
      }
      throw new OwnerKskException(zone, "ECDSA curve of " + bits + " bits has no DNSSEC algorithm");
    }
    if ("Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) {
      return DNSSEC.Algorithm.ED25519;
    }
    throw new OwnerKskException(zone, "unsupported key type " + key.getAlgorithm());
  }

  /** Signs and verifies a fixed text: the two PEM blocks must be one key pair. */
  private static void checkPair(
      Name zone, Path pem, int algorithm, PrivateKey privateKey, PublicKey publicKey)
      throws GeneralSecurityException {
    String jca =
        switch (algorithm) {
          case DNSSEC.Algorithm.ECDSAP256SHA256 -> "SHA256withECDSA";
          case DNSSEC.Algorithm.ECDSAP384SHA384 -> "SHA384withECDSA";
          default -> "Ed25519";
        };
    byte[] probe = ("multisigner owner KSK " + zone).getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance(jca);
    s.initSign(privateKey);
    s.update(probe);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(jca);
    v.initVerify(publicKey);
    v.update(probe);
    if (!v.verify(sig)) {
      throw new OwnerKskException(
          zone, "key file " + pem + ": the PUBLIC KEY block is not the private key's public half");
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
