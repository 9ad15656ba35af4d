/**
 * Planners and checks: the foreign DNSKEYs each member must serve, the group's DS and CDS/CDNSKEY
 * set, and the refusals of groups and plans that cannot work safely. Consumes group state only.
 */
package dev.multisigner.domain.plan;
