/**
 * JSON over HTTP for the API adapters (java.net.http + Jackson): one call, its timing, and
 * transport failures mapped to typed provider errors; vendors map their own status codes.
 */
package dev.multisigner.providers.http;
