/**
 * A private certificate authority for TLS tests, made with openssl: a CA, a server certificate
 * it signs for one IP address, and a second, unrelated CA (the "wrong" one).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrivateCa {
  dir: string;
  /** The CA that signed the server certificate. */
  caFile: string;
  /** Another CA, which signed nothing the server presents. */
  otherCaFile: string;
  /** Server certificate (subjectAltName IP:<ip> only) and its key. */
  certFile: string;
  keyFile: string;
  remove(): void;
}

async function selfSignedCa(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  await run('openssl', ['req', '-new', '-x509', '-days', '2', '-nodes', '-newkey', 'rsa:2048', '-subj', `/CN=pgflex test ${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', key, '-out', cert]);
  return { cert, key };
}

/** A CA and a server certificate valid for `ip` (and nothing else). */
export async function makePrivateCa(ip = '127.0.0.1'): Promise<PrivateCa> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-ca-'));
  // A server started as the postgres user reads the CA (SSL_CERT_FILE); the keys stay 0600.
  chmodSync(dir, 0o755);
  const ca = await selfSignedCa(dir, 'ca');
  const other = await selfSignedCa(dir, 'other-ca');
  const keyFile = path.join(dir, 'server.key');
  const csr = path.join(dir, 'server.csr');
  const certFile = path.join(dir, 'server.crt');
  const ext = path.join(dir, 'server.ext');
  writeFileSync(ext, `subjectAltName=IP:${ip}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
  await run('openssl', ['req', '-new', '-nodes', '-newkey', 'rsa:2048', '-subj', '/CN=pgflex test server', '-keyout', keyFile, '-out', csr]);
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', certFile]);
  return { dir, caFile: ca.cert, otherCaFile: other.cert, certFile, keyFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
