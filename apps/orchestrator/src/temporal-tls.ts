import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

/** A PEM file a variable names, as read at start. */
export interface PemFile {
  variable: string;
  path: string;
  pem: Buffer;
}

/** TLS towards a remote Temporal: the files are read and checked once, at start. */
export interface TemporalTlsFiles {
  ca?: PemFile;
  cert?: PemFile;
  key?: PemFile;
  serverName?: string;
  /** The variables that turned TLS on, for messages. */
  enabledBy: string[];
}

/** How every connection to a remote Temporal is secured; no `tls` means plain text. */
export interface TemporalSecurity {
  tls?: TemporalTlsFiles;
  apiKey?: string;
}

/** The usage text's lines about them, for every command that connects to TEMPORAL_ADDRESS. */
export const TEMPORAL_TLS_USAGE = `TLS to Temporal: TEMPORAL_TLS_CA (PEM CA bundle; default the system's roots), TEMPORAL_TLS_CERT and
TEMPORAL_TLS_KEY (client certificate and key, for mutual TLS), TEMPORAL_TLS_SERVER_NAME, TEMPORAL_API_KEY
(Temporal Cloud); any of them turns TLS on, TEMPORAL_TLS=true|false forces it. Files are checked at start.`;

const TLS_FILE_VARIABLES = [
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_CA',
  'TEMPORAL_TLS_SERVER_NAME',
] as const;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

function unreadable(err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') return 'no file at this path';
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'cannot read it (permission denied)';
  if (err.code === 'EISDIR') return 'is a folder, not a file';
  return `cannot read it (${err.message})`;
}

/** Reads a PEM file and splits it into its blocks; a problem names the variable and the file. */
function readPem(
  variable: string,
  path: string,
  problems: string[],
): { file: PemFile; blocks: { label: string; text: string }[] } | undefined {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (err) {
    problems.push(`${variable}: ${path}: ${unreadable(err as NodeJS.ErrnoException)}`);
    return undefined;
  }
  const blocks = [...pem.toString('latin1').matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, text: m[0] }));
  if (blocks.length === 0) {
    problems.push(`${variable}: ${path}: not a PEM file (no -----BEGIN ...----- block)`);
    return undefined;
  }
  return { file: { variable, path, pem }, blocks };
}

const found = (blocks: { label: string }[]) => [...new Set(blocks.map((b) => b.label))].join(', ');

/** The certificates of a PEM file, each parsed; undefined (and problems) if there is none or one does not parse. */
function certificates(read: ReturnType<typeof readPem>, problems: string[]): X509Certificate[] | undefined {
  if (!read) return undefined;
  const { variable, path } = read.file;
  const blocks = read.blocks.filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length === 0) {
    problems.push(`${variable}: ${path}: holds no certificate (found ${found(read.blocks)})`);
    return undefined;
  }
  const parsed: X509Certificate[] = [];
  for (const [i, block] of blocks.entries())
    try {
      parsed.push(new X509Certificate(block.text));
    } catch (err) {
      problems.push(
        `${variable}: ${path}: ${blocks.length > 1 ? `certificate ${i + 1}` : 'the certificate'} does not parse (${(err as Error).message})`,
      );
    }
  return parsed.length === blocks.length ? parsed : undefined;
}

function privateKey(read: ReturnType<typeof readPem>, problems: string[]): KeyObject | undefined {
  if (!read) return undefined;
  const { variable, path } = read.file;
  const block = read.blocks.find((b) => b.label.endsWith('PRIVATE KEY'));
  if (!block) {
    problems.push(`${variable}: ${path}: holds no private key (found ${found(read.blocks)})`);
    return undefined;
  }
  try {
    return createPrivateKey(block.text);
  } catch (err) {
    const encrypted =
      block.label === 'ENCRYPTED PRIVATE KEY' || (err as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE';
    problems.push(
      `${variable}: ${path}: ${encrypted ? 'the key is encrypted; the Temporal SDKs take no passphrase, give an unencrypted key' : `the key does not parse (${(err as Error).message})`}`,
    );
    return undefined;
  }
}

/** A client certificate must be valid now: a server refuses an expired one with a vaguer message. */
function checkValidity(cert: X509Certificate, file: PemFile, now: Date, problems: string[]) {
  if (now.getTime() < Date.parse(cert.validFrom))
    problems.push(`${file.variable}: ${file.path}: the certificate is not valid before ${cert.validFrom}`);
  if (now.getTime() > Date.parse(cert.validTo))
    problems.push(`${file.variable}: ${file.path}: the certificate expired on ${cert.validTo}`);
}

/**
 * Reads TEMPORAL_TLS_CERT, _KEY, _CA, _SERVER_NAME, TEMPORAL_API_KEY and TEMPORAL_TLS, reads and checks the
 * files they name, and lists every problem, each naming its variable and file.
 */
export function readTemporalSecurity(
  env: Record<string, string | undefined>,
  now = new Date(),
): { security: TemporalSecurity; problems: string[] } {
  const problems: string[] = [];
  const given = (name: string) => (env[name] === '' ? undefined : env[name]);
  const certPath = given('TEMPORAL_TLS_CERT');
  const keyPath = given('TEMPORAL_TLS_KEY');
  const caPath = given('TEMPORAL_TLS_CA');
  const serverName = given('TEMPORAL_TLS_SERVER_NAME');
  const apiKey = given('TEMPORAL_API_KEY');
  const forced = given('TEMPORAL_TLS');

  const certRead = certPath === undefined ? undefined : readPem('TEMPORAL_TLS_CERT', certPath, problems);
  const cert = certificates(certRead, problems)?.[0];
  if (cert && certRead) checkValidity(cert, certRead.file, now, problems);
  const keyRead = keyPath === undefined ? undefined : readPem('TEMPORAL_TLS_KEY', keyPath, problems);
  const key = privateKey(keyRead, problems);
  if (certPath !== undefined && keyPath === undefined)
    problems.push(
      `TEMPORAL_TLS_CERT: ${certPath}: set without TEMPORAL_TLS_KEY; a client certificate needs its private key`,
    );
  if (keyPath !== undefined && certPath === undefined)
    problems.push(
      `TEMPORAL_TLS_KEY: ${keyPath}: set without TEMPORAL_TLS_CERT; a private key needs its client certificate`,
    );
  if (cert && key && !matches(cert, key))
    problems.push(
      `TEMPORAL_TLS_KEY: ${keyPath}: not the private key of the certificate in TEMPORAL_TLS_CERT (${certPath})`,
    );
  const caRead = caPath === undefined ? undefined : readPem('TEMPORAL_TLS_CA', caPath, problems);
  certificates(caRead, problems);
  if (serverName !== undefined && !HOST_NAME.test(serverName))
    problems.push(`TEMPORAL_TLS_SERVER_NAME: expected a host name such as temporal.example.com, got '${serverName}'`);

  const setTlsVariables = TLS_FILE_VARIABLES.filter((name) => given(name) !== undefined);
  if (forced !== undefined && forced !== 'true' && forced !== 'false')
    problems.push(`TEMPORAL_TLS: expected true or false, got '${forced}'`);
  if (forced === 'false' && setTlsVariables.length > 0)
    problems.push(
      `TEMPORAL_TLS: false, but ${setTlsVariables.join(', ')} ${setTlsVariables.length > 1 ? 'are' : 'is'} set`,
    );
  const enabledBy =
    forced === 'true'
      ? ['TEMPORAL_TLS']
      : forced === undefined
        ? [...setTlsVariables, ...(apiKey ? ['TEMPORAL_API_KEY'] : [])]
        : [];
  const tls: TemporalTlsFiles | undefined =
    enabledBy.length > 0
      ? { ca: caRead?.file, cert: certRead?.file, key: keyRead?.file, serverName, enabledBy }
      : undefined;
  return { security: { tls, apiKey }, problems };
}

function matches(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.checkPrivateKey(key);
  } catch {
    // A key of another kind than the certificate's (an RSA key for an EC certificate) throws.
    return false;
  }
}

/** The options both SDK connection kinds (`Connection`, `NativeConnection`) take for this security. */
export function connectionSecurityOptions(security: TemporalSecurity): { tls?: TLSConfig | false; apiKey?: string } {
  if (!security.tls && !security.apiKey) return {};
  const tls = security.tls;
  return {
    // Explicitly false, or the SDKs turn TLS on for an API key by themselves.
    tls: tls
      ? {
          serverNameOverride: tls.serverName,
          serverRootCACertificate: tls.ca?.pem,
          clientCertPair: tls.cert && tls.key ? { crt: tls.cert.pem, key: tls.key.pem } : undefined,
        }
      : false,
    apiKey: security.apiKey,
  };
}
