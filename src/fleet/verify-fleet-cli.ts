// `zhuxiao verify --fleet manifest.json --line ICCID`: checks one line of a fleet proof offline (the
// manifest from GET /api/v1/fleet/jobs/{id}/manifest). Prints one JSON object; exit 0 only when the
// line is in the signed tree, 1 when it is not or a signature fails, 2 when the file cannot be read.
// --public-key FILE trusts only the keys in FILE (PEM, from /api/v1/certificates/public-keys.pem)
// instead of the key the manifest carries.
import fs from 'node:fs';
import { checkIdentifier } from '../identifiers/index.ts';
import { proveFleetLine, verifyFleetLine, type FleetManifest } from './fleet-manifest.ts';

export function verifyFleetFile(manifestFile: string, line: string, publicKeyFile?: string): number {
  let manifest: FleetManifest;
  let trusted: string[] | undefined;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as FleetManifest;
    if (!manifest?.head || !Array.isArray(manifest.leaves) || !Array.isArray(manifest.signatures)) throw new Error('not a fleet manifest');
    if (publicKeyFile) trusted = fs.readFileSync(publicKeyFile, 'utf8').match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  } catch (err) {
    process.stderr.write(`zhuxiao: cannot read the fleet manifest: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  // The line as typed: an ICCID or EID as digits, a number in E.164 (13-digit IoT numbers too).
  const asNumber = checkIdentifier('msisdn', line);
  const key = asNumber.valid && asNumber.normalized ? asNumber.normalized : line.replace(/[\s-]/g, '').toUpperCase();
  const proof = proveFleetLine(manifest, key);
  if (!proof) {
    process.stdout.write(`${JSON.stringify({ ok: false, reason: 'not_in_manifest', jobId: manifest.head.jobId })}\n`);
    return 1;
  }
  const result = verifyFleetLine(proof, trusted);
  process.stdout.write(`${JSON.stringify({ ...result, jobId: manifest.head.jobId, company: manifest.head.company, treeSize: manifest.head.treeSize, index: proof.index, line: proof.leaf })}\n`);
  return result.ok ? 0 : 1;
}
