/** A throwaway self-signed certificate for the loopback ARM server, made with openssl at test time. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCert {
  key: string;
  cert: string;
  /** A file holding the certificate, for NODE_EXTRA_CA_CERTS of spawned processes. */
  caFile: string;
  dir: string;
  remove(): void;
}

export function makeCert(): TestCert {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-arm-cert-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  // EC keys keep TLS handshakes cheap: the benchmark opens many connections at once.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), caFile: cert, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
