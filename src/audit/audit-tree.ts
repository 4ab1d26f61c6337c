// What the audit Merkle tree is made of, pure: the bytes of an entry's leaf, and the signed
// checkpoint (tree size + root) the sealer writes and `zhuxiao audit checkpoint` prints.
//
//   leaf bytes  = UTF-8 canonical JSON (keys sorted) of the entry's recorded fields, its seq included
//   leaf hash   = SHA-256(0x00 || leaf bytes)                      (RFC 9162 §2.1.1, see merkle.ts)
//   checkpoint  = { log: 'zhuxiao-audit', treeSize, rootHash (hex), timestamp (ISO, ms) }, signed with
//                 signPayload (Ed25519 over "ZHUXIAO-PAYLOAD-V1\n" + canonical JSON) by the audit key
import type { Selectable } from 'kysely';
import type { AuditCheckpointsTable, AuditLogTable } from '../db/schema.ts';
import { signPayload, verifyPayload, type PublicKeys, type SignedPayload } from '../certificates/signing.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { leafHash, type Hash } from './merkle.ts';

export type AuditRow = Selectable<AuditLogTable>;
export type CheckpointRow = Selectable<AuditCheckpointsTable>;

export const AUDIT_LOG_ID = 'zhuxiao-audit';

/** The recorded fields of an entry, as they are hashed. */
export interface LeafFields {
  seq: number;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  request_id: string | null;
  subject: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

export function leafFields(row: AuditRow): LeafFields {
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actor_kind: row.actor_kind,
    actor_id: row.actor_id,
    action: row.action,
    request_id: row.request_id,
    subject: row.subject,
    details: (row.details ?? {}) as Record<string, unknown>,
    ip: row.ip,
  };
}

export function auditLeafHash(row: AuditRow): Hash {
  return leafHash(canonicalJson(leafFields(row)));
}

export interface CheckpointPayload {
  log: typeof AUDIT_LOG_ID;
  treeSize: number;
  rootHash: string;
  timestamp: string;
}

/** A checkpoint as kept elsewhere: the signed payload, plus the public key to check it with. */
export type SignedCheckpoint = SignedPayload<CheckpointPayload> & { publicKeyPem?: string };

export function signCheckpoint(payload: CheckpointPayload, privateKeyPem: string, keyId: string): SignedCheckpoint {
  return signPayload(payload, privateKeyPem, keyId);
}

export function checkpointOfRow(row: CheckpointRow): SignedCheckpoint {
  return {
    payload: { log: AUDIT_LOG_ID, treeSize: Number(row.tree_size), rootHash: row.root_hash, timestamp: new Date(row.signed_at).toISOString() },
    alg: 'ed25519',
    keyId: row.key_id,
    signature: row.signature,
  };
}

/** Why a checkpoint does not verify, or null when it does. */
export function checkCheckpointSignature(cp: SignedCheckpoint, trusted: PublicKeys): 'unknown_key' | 'bad_signature' | null {
  const v = verifyPayload(cp, trusted);
  if (v.valid) return null;
  return v.reason === 'unknown_key' ? 'unknown_key' : 'bad_signature';
}

/**
 * Reads a saved checkpoint (the JSON `zhuxiao audit checkpoint` printed). Throws a TypeError naming
 * what is wrong when it is not one; says nothing about whether its signature is good.
 */
export function parseSignedCheckpoint(text: string): SignedCheckpoint {
  let v: any;
  try {
    v = JSON.parse(text);
  } catch {
    throw new TypeError('the checkpoint file is not JSON');
  }
  const p = v?.payload;
  if (!p || typeof p !== 'object') throw new TypeError('the checkpoint has no payload');
  if (p.log !== AUDIT_LOG_ID) throw new TypeError(`the checkpoint is not of the audit log (log: ${JSON.stringify(p.log)})`);
  if (!Number.isSafeInteger(p.treeSize) || p.treeSize < 1) throw new TypeError('the checkpoint has no valid treeSize');
  if (typeof p.rootHash !== 'string' || !/^[0-9a-f]{64}$/.test(p.rootHash)) throw new TypeError('the checkpoint has no valid rootHash');
  if (typeof p.timestamp !== 'string' || Number.isNaN(Date.parse(p.timestamp))) throw new TypeError('the checkpoint has no valid timestamp');
  if (v.alg !== 'ed25519' || typeof v.keyId !== 'string' || typeof v.signature !== 'string') throw new TypeError('the checkpoint is not signed');
  if (v.publicKeyPem !== undefined && typeof v.publicKeyPem !== 'string') throw new TypeError('the checkpoint publicKeyPem is not text');
  const payload: CheckpointPayload = { log: AUDIT_LOG_ID, treeSize: p.treeSize, rootHash: p.rootHash, timestamp: p.timestamp };
  return { payload, alg: 'ed25519', keyId: v.keyId, signature: v.signature, ...(v.publicKeyPem ? { publicKeyPem: v.publicKeyPem } : {}) };
}
