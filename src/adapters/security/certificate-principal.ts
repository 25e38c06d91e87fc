import type * as tls from 'node:tls';
import { ANONYMOUS_PRINCIPAL } from '../../domain/security/acl';

/** RFC 2253 escaping of one attribute value (Java's X500Principal.getName()). */
const escapeValue = (v: string): string =>
  v.replace(/[,+"\\<>;]/g, (c) => `\\${c}`).replace(/^[ #]/, (c) => `\\${c}`).replace(/ $/, '\\ ');

/**
 * LS-8 (Kafka's DefaultKafkaPrincipalBuilder with `ssl.principal.mapping.rules=DEFAULT`): the verified
 * peer certificate's subject in RFC 2253 form, most specific RDN first (`CN=alice,OU=eng,O=org`), as
 * `User:<DN>`; `User:ANONYMOUS` when no certificate was verified.
 */
export const certificatePrincipal = (socket: tls.TLSSocket): string => {
  if (!socket.authorized) return ANONYMOUS_PRINCIPAL;
  const cert = socket.getPeerX509Certificate();
  if (cert === undefined) return ANONYMOUS_PRINCIPAL;
  // Node lists the subject's RDNs one per line in certificate order (least specific first).
  const rdns = cert.subject.split('\n').filter((l) => l.length > 0).map((line) => {
    const i = line.indexOf('=');
    return i < 0 ? line : `${line.slice(0, i)}=${escapeValue(line.slice(i + 1))}`;
  });
  return `User:${rdns.reverse().join(',')}`;
};
