/**
 * The fleet proof's machine-readable half, pure: each line of a finished job is a leaf (the
 * canonical JSON of what happened to it), the leaves form an RFC 9162 Merkle tree (src/audit/merkle.ts),
 * and the tree head (job, company, size, root, counts) is signed with each involved carrier's
 * certificate key. One line is verified alone with its leaf, its inclusion proof and the signed head.
 */
import { canonicalJson } from '../shared/canonical-json.ts';
import { inclusionProof, leafHash, rootOf, verifyInclusion } from '../audit/merkle.ts';
import { verifyPayload, type PublicKeys, type SignedPayload } from '../certificates/signing.ts';

export const FLEET_MANIFEST_FORMAT = 'zhuxiao-fleet-manifest/1';

export interface FleetLeaf {
  row: number;
  iccid: string;
  msisdn: string;
  eid: string | null;
  carrier: string;
  state: string;
  reason: string | null;
  reference: string | null;
  completedAt: string | null;
  billFen: number;
  refundFen: number;
}

export interface FleetTreeHead {
  format: typeof FLEET_MANIFEST_FORMAT;
  jobId: string;
  company: { uscc: string; name: string };
  finishedAt: string;
  treeSize: number;
  rootHash: string;
  counts: Record<string, number>;
  carriers: string[];
}

export interface FleetManifest {
  head: FleetTreeHead;
  /** One signature of the head per carrier of the job's lines, with the public key it verifies with. */
  signatures: Array<{ carrier: string; publicKeyPem: string; signed: SignedPayload<FleetTreeHead> }>;
  leaves: FleetLeaf[];
}

export interface FleetLineProof {
  head: FleetTreeHead;
  signatures: FleetManifest['signatures'];
  leaf: FleetLeaf;
  index: number;
  proof: string[];
}

export const fleetLeafHash = (leaf: FleetLeaf) => leafHash(canonicalJson(leaf));

export function fleetRoot(leaves: readonly FleetLeaf[]): string {
  return rootOf(leaves.map(fleetLeafHash)).toString('hex');
}

/** The inclusion proof of the line with this ICCID, MSISDN (E.164) or EID; undefined when it is not in the manifest. */
export function proveFleetLine(manifest: FleetManifest, line: string): FleetLineProof | undefined {
  const index = manifest.leaves.findIndex((l) => l.iccid === line || l.msisdn === line || l.eid === line);
  if (index < 0) return undefined;
  const proof = inclusionProof(manifest.leaves.map(fleetLeafHash), index).map((h) => h.toString('hex'));
  return { head: manifest.head, signatures: manifest.signatures, leaf: manifest.leaves[index], index, proof };
}

export type FleetLineFailure = 'bad_signature' | 'untrusted_key' | 'head_mismatch' | 'not_included' | 'carrier_not_signed';

/**
 * Checks one line offline: the head's signature by the line's carrier (with `trusted` keys when
 * given, else the key the manifest carries), that the signed head is the head shown, and that the
 * leaf is in the tree under the signed root.
 */
export function verifyFleetLine(p: FleetLineProof, trusted?: PublicKeys): { ok: boolean; reason?: FleetLineFailure } {
  const sig = p.signatures.find((s) => s.carrier === p.leaf.carrier);
  if (!sig) return { ok: false, reason: 'carrier_not_signed' };
  const checked = verifyPayload(sig.signed, trusted ?? [sig.publicKeyPem]);
  if (!checked.valid) return { ok: false, reason: checked.reason === 'unknown_key' ? 'untrusted_key' : 'bad_signature' };
  if (canonicalJson(checked.payload) !== canonicalJson(p.head)) return { ok: false, reason: 'head_mismatch' };
  const included = verifyInclusion(p.index, p.head.treeSize, fleetLeafHash(p.leaf), p.proof.map((h) => Buffer.from(h, 'hex')), Buffer.from(p.head.rootHash, 'hex'));
  return included ? { ok: true } : { ok: false, reason: 'not_included' };
}
