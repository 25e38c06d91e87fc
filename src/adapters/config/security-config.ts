import { parsePrincipal } from '../../domain/security/acl';
import type { SecurityProtocol } from '../kafka/server/listener';
import { ConfigError, type BrokerConfig } from './broker-config';

/** One listener after parsing `--listeners`, the protocol map and `--advertised-listeners` (LS-1, LS-2). */
export interface ListenerConfig {
  readonly name: string;
  readonly protocol: SecurityProtocol;
  /** Bind address (`0.0.0.0` for an empty host, as Kafka binds all interfaces). */
  readonly host: string;
  readonly port: number;
  /** What Metadata, FindCoordinator and DescribeCluster return to clients of this listener. */
  readonly advertisedHost: string;
  /** null: the bound port (port 0 picks a free one). */
  readonly advertisedPort: number | null;
}

const PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
/** Mechanisms this broker implements (Kafka also has GSSAPI and OAUTHBEARER). */
export const SUPPORTED_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
const ENDPOINT = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;

const list = (text: string, sep = ','): string[] => text.split(sep).map((x) => x.trim()).filter((x) => x.length > 0);

/** `listener.security.protocol.map`: listener name (upper case, as Kafka normalises it) → protocol. */
export const parseProtocolMap = (text: string): Map<string, SecurityProtocol> => {
  const out = new Map<string, SecurityProtocol>();
  for (const entry of list(text)) {
    const [name, protocol] = entry.split(':').map((x) => x.trim().toUpperCase());
    if (name === undefined || name === '' || !PROTOCOLS.includes(protocol as SecurityProtocol)) {
      throw new ConfigError(`--listener-security-protocol-map: "${entry}" is not NAME:PROTOCOL (protocols: ${PROTOCOLS.join(', ')})`);
    }
    out.set(name, protocol as SecurityProtocol);
  }
  return out;
};

const parseEndpoints = (text: string, option: string): { name: string; host: string; port: number }[] =>
  list(text).map((entry) => {
    const m = ENDPOINT.exec(entry);
    const port = m === null ? NaN : Number(m[3]);
    if (m === null || !Number.isInteger(port) || port < 0 || port > 65535 || m[1]!.trim() === '') {
      throw new ConfigError(`--${option}: "${entry}" is not NAME://host:port`);
    }
    return { name: m[1]!.trim().toUpperCase(), host: m[2]!, port };
  });

/** Hosts clients can dial: a wildcard bind address is advertised as loopback unless --advertised-host says otherwise. */
const dialable = (cfg: BrokerConfig, host: string): string =>
  cfg.advertisedHost ?? (host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

/** LS-1/LS-2: the listeners to bind, with what each advertises. Without --listeners: one PLAINTEXT listener on --host/--port. */
export const parseListeners = (cfg: BrokerConfig): ListenerConfig[] => {
  if (cfg.listeners === null) {
    return [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: cfg.host, port: cfg.port, advertisedHost: dialable(cfg, cfg.host), advertisedPort: cfg.advertisedPort }];
  }
  const map = parseProtocolMap(cfg.listenerSecurityProtocolMap);
  const endpoints = parseEndpoints(cfg.listeners, 'listeners');
  if (endpoints.length === 0) throw new ConfigError('--listeners: no listener given');
  const advertised = new Map(parseEndpoints(cfg.advertisedListeners ?? '', 'advertised-listeners').map((e) => [e.name, e]));
  const names = new Set<string>();
  const ports = new Set<number>();
  for (const e of endpoints) {
    if (names.has(e.name)) throw new ConfigError(`--listeners: listener name ${e.name} given twice`);
    if (e.port !== 0 && ports.has(e.port)) throw new ConfigError(`--listeners: port ${e.port} given twice`);
    if (!map.has(e.name)) throw new ConfigError(`--listeners: listener ${e.name} has no protocol in --listener-security-protocol-map`);
    names.add(e.name);
    ports.add(e.port);
  }
  for (const name of advertised.keys()) {
    if (!names.has(name)) throw new ConfigError(`--advertised-listeners: ${name} is not one of --listeners`);
  }
  return endpoints.map((e) => {
    const a = advertised.get(e.name);
    return {
      name: e.name,
      protocol: map.get(e.name)!,
      host: e.host === '' ? '0.0.0.0' : e.host,
      port: e.port,
      advertisedHost: a !== undefined && a.host !== '' ? a.host : dialable(cfg, e.host),
      advertisedPort: a !== undefined && a.port !== 0 ? a.port : null,
    };
  });
};

/** AC-9 `super.users`: `;`-separated principals, each `Type:name`. */
export const parseSuperUsers = (text: string): Set<string> => {
  const out = new Set<string>();
  for (const p of list(text, ';')) {
    if (parsePrincipal(p) === null) throw new ConfigError(`--super-users: "${p}" is not a principal (expected Type:name, e.g. User:admin)`);
    out.add(p);
  }
  return out;
};

/** `sasl.enabled.mechanisms`, validated against what this broker implements. */
export const parseMechanisms = (text: string): string[] => {
  const out = list(text);
  for (const m of out) {
    if (!(SUPPORTED_MECHANISMS as readonly string[]).includes(m)) {
      throw new ConfigError(`--sasl-enabled-mechanisms: unsupported mechanism ${m} (supported: ${SUPPORTED_MECHANISMS.join(', ')})`);
    }
  }
  return out;
};

/** `ssl.enabled.protocols`: TLS 1.0 and 1.1 are refused (T-SEC-4). */
export const parseTlsProtocols = (text: string): ('TLSv1.2' | 'TLSv1.3')[] => {
  const out = list(text);
  if (out.length === 0) throw new ConfigError('--ssl-enabled-protocols: no protocol given');
  for (const p of out) if (p !== 'TLSv1.2' && p !== 'TLSv1.3') throw new ConfigError(`--ssl-enabled-protocols: ${p} is not supported (TLSv1.2, TLSv1.3)`);
  return out as ('TLSv1.2' | 'TLSv1.3')[];
};

/** Cross-option checks of the security settings; the first problem is one ConfigError line (exit 2). */
export const validateSecurityConfig = (cfg: BrokerConfig): void => {
  const listeners = parseListeners(cfg);
  parseSuperUsers(cfg.superUsers);
  const mechanisms = parseMechanisms(cfg.saslEnabledMechanisms);
  parseTlsProtocols(cfg.sslEnabledProtocols);
  for (const l of listeners) {
    if ((l.protocol === 'SSL' || l.protocol === 'SASL_SSL') && cfg.sslKeystoreLocation === null) {
      // LS-7: a TLS listener cannot serve without a key and certificate.
      throw new ConfigError(`listener ${l.name} uses ${l.protocol} but --ssl-keystore-location is not set`);
    }
    if ((l.protocol === 'SASL_PLAINTEXT' || l.protocol === 'SASL_SSL') && mechanisms.length === 0) {
      throw new ConfigError(`listener ${l.name} uses ${l.protocol} but --sasl-enabled-mechanisms is empty`);
    }
  }
};
