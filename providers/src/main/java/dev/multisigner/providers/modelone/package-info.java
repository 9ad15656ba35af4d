/**
 * RFC 8901 §2.1.1 (model 1): the zone owner's KSK, held by Multisigner behind {@link
 * dev.multisigner.providers.modelone.OwnerKsk}, signs one DNSKEY RRset (that KSK and every member's
 * ZSK) and its CDS/CDNSKEY; a member that signs the rest of the zone itself installs it as a Knot
 * SignedKeyResponse ({@link dev.multisigner.providers.modelone.KnotKeymgr}). Consumes the members'
 * key signing requests, produces signed key responses; the private key never leaves this package.
 */
package dev.multisigner.providers.modelone;
