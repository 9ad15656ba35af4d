/**
 * The one contract suite every adapter runs, gated by its declared capabilities: read, import and
 * withdraw, CDS/CDNSKEY, empty re-plan after each apply, wrong credentials, concurrent change.
 */
package dev.multisigner.providers.contract;
