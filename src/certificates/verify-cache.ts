// What the public check by serial depends on, kept in the process so a repeated check costs no query:
//   - a certificate's stored facts, signature, key, code hash and owner, and the serial of the X.509
//     certificate that PAdES-signed its PDF: fixed once the request is completed (a terminal status),
//     so only completed certificates are kept; an unknown serial is never kept (one issued a second
//     later must verify);
//   - the trust state (the revoked X.509 serials): kept at most TRUST_TTL_MS, dropped at once when a
//     revocation commits anywhere (PostgreSQL LISTEN/NOTIFY on pki-store's TRUST_CHANNEL, src/db/notifications.ts),
//     and dropped with everything else when this process writes one of the tables it comes from (the
//     plugin below: on PGlite, one process, that is every change).
// A read that began before a drop is not stored (a generation number), so a stale row cannot come back.
import { X509Certificate } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Kysely } from 'kysely';
import type { DB, RequestStatus } from '../db/schema.ts';
import { parseCms } from '../pki/cms.ts';
import { readPdfSignature } from '../pki/pdf-signature.ts';
import { revokedSerials, TRUST_CHANNEL } from '../pki/pki-store.ts';
import type { Database } from '../db/database.ts';
import { listenTo, type Listener } from '../db/notifications.ts';

/** How long the trust state is used without asking the database again: a missed notification lasts no longer. */
export const TRUST_TTL_MS = 2_000;

export type CachedCertificate = {
  serial: string;
  facts: Record<string, unknown>;
  payloadSignature: string;
  keyId: string;
  verifyCodeHash: string | null;
  status: RequestStatus;
  customerId: string;
  publicKeyPem: string | null;
  /** Serial (lower-case hex) of the X.509 certificate that signed the PDF; null when it has no PAdES signature. */
  signerSerial: string | null;
  /** The Ed25519 check of the facts, once made (it depends on nothing else held here). */
  check?: { valid: boolean; reason?: string };
};

/** Tables whose changes (by this process) drop the cache: certificates when changed or deleted, the trust tables on any write. */
const ROW_TABLES = new Set(['certificates']);
const TRUST_TABLES = new Set(['pki_certificates', 'signing_keys']);

export class VerifyCache {
  readonly #rows = new LRUCache<string, CachedCertificate>({ max: 50_000 });
  #trust: { revoked: ReadonlySet<string>; until: number } | undefined;
  #trustLoading: Promise<ReadonlySet<string>> | undefined;
  #generation = 0;
  /** Loads under way, by serial, with the generation they began in (a load begun before a drop is not shared after it). */
  readonly #loading = new Map<string, { generation: number; pending: Promise<CachedCertificate | undefined> }>();

  /** Everything is read again: a revocation, a key or certificate change, or a lost notification connection. */
  invalidate(): void {
    this.#generation++;
    this.#rows.clear();
    this.#loading.clear();
    this.#answers.clear();
    this.#trust = undefined;
    this.#trustLoading = undefined;
  }

  /** The certificate by serial when it is kept (no promise: the hit path of a public check). */
  cached(serial: string): CachedCertificate | undefined {
    return this.#rows.get(serial);
  }

  /**
   * The certificate by serial, from memory or through `load` (kept only when completed). Concurrent
   * checks of a serial not kept share one load (many clients opening one new certificate at once).
   */
  async certificate(serial: string, load: () => Promise<CachedCertificate | undefined>): Promise<CachedCertificate | undefined> {
    const hit = this.#rows.get(serial);
    if (hit) return hit;
    const generation = this.#generation;
    let loading = this.#loading.get(serial);
    if (!loading || loading.generation !== generation) {
      const pending = load().finally(() => {
        if (this.#loading.get(serial)?.pending === pending) this.#loading.delete(serial);
      });
      this.#loading.set(serial, (loading = { generation, pending }));
    }
    const row = await loading.pending;
    if (row && row.status === 'completed' && generation === this.#generation) this.#rows.set(serial, row);
    return row;
  }

  /**
   * The public answers (access 'code', valid), serialised as the route sends them, by request URL
   * (serial and code as asked): what a check without a session answers, kept no longer than the trust
   * state it was computed with, and dropped with everything else. Only answers of valid certificates
   * are kept: they change only with a revocation (which drops them) or a drop of the cache.
   */
  readonly #answers = new LRUCache<string, { body: string; until: number }>({ max: 10_000 });

  /** The cache's generation now: give it to keepAnswer, so an answer computed before a drop is not kept after it. */
  get generation(): number {
    return this.#generation;
  }

  /** A public answer kept for this URL and still fresh (undefined: compute it). */
  answer(url: string): string | undefined {
    const a = this.#answers.get(url);
    if (!a) return undefined;
    if (a.until > Date.now()) return a.body;
    this.#answers.delete(url);
    return undefined;
  }

  /** Keeps a public answer computed in `generation`, until the trust state it was computed with expires. */
  keepAnswer(url: string, body: string, generation: number): void {
    const until = this.#trust?.until;
    if (until === undefined || generation !== this.#generation || until <= Date.now()) return;
    this.#answers.set(url, { body, until });
  }

  /** The revoked X.509 serials while the last read is fresh (undefined: ask `revoked`). */
  revokedIfFresh(): ReadonlySet<string> | undefined {
    return this.#trust && this.#trust.until > Date.now() ? this.#trust.revoked : undefined;
  }

  /** The revoked X.509 serials, read at most every TRUST_TTL_MS (one read shared by concurrent callers). */
  async revoked(db: Kysely<DB>): Promise<ReadonlySet<string>> {
    const now = Date.now();
    if (this.#trust && this.#trust.until > now) return this.#trust.revoked;
    if (this.#trustLoading) return this.#trustLoading;
    const generation = this.#generation;
    const loading = revokedSerials(db).then((revoked) => {
      if (generation === this.#generation) this.#trust = { revoked, until: now + TRUST_TTL_MS };
      if (this.#trustLoading === loading) this.#trustLoading = undefined;
      return revoked;
    }, (err: unknown) => {
      if (this.#trustLoading === loading) this.#trustLoading = undefined;
      throw err;
    });
    this.#trustLoading = loading;
    return loading;
  }

  /** A Kysely plugin that drops the cache when a statement through it writes what the cache holds. */
  readonly plugin: KyselyPlugin = {
    transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => {
      const table = writtenTable(args.node);
      if (table && (TRUST_TABLES.has(table) || (ROW_TABLES.has(table) && args.node.kind !== 'InsertQueryNode'))) this.invalidate();
      return args.node;
    },
    transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => args.result,
  };
}

/** The table an INSERT, UPDATE or DELETE writes (undefined for anything else). */
function writtenTable(node: RootOperationNode): string | undefined {
  const n = node as OperationNode & { into?: OperationNode; table?: OperationNode; from?: { froms: OperationNode[] } };
  if (node.kind === 'InsertQueryNode') return tableName(n.into);
  if (node.kind === 'UpdateQueryNode') return tableName(n.table);
  if (node.kind === 'DeleteQueryNode') return tableName(n.from?.froms[0]);
  return undefined;
}

function tableName(node: OperationNode | undefined): string | undefined {
  const n = node as (OperationNode & { node?: OperationNode; table?: { identifier?: { name?: string } } }) | undefined;
  if (!n) return undefined;
  if (n.kind === 'AliasNode') return tableName(n.node);
  if (n.kind === 'TableNode') return n.table?.identifier?.name;
  return undefined;
}

/** The serial of the certificate that PAdES-signed a PDF (read once per certificate: the file never changes). */
export function signerSerialOf(pdf: Uint8Array): string | null {
  try {
    const sig = readPdfSignature(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
    const pem = sig ? parseCms(sig.cms).signerCertPem : undefined;
    return pem ? new X509Certificate(pem).serialNumber.toLowerCase() : null;
  } catch {
    return null;
  }
}

/**
 * Drops the cache whenever the trust changes in any process (PostgreSQL: NOTIFY on TRUST_CHANNEL,
 * sent by revokeCertificate in its transaction), and after the listening connection was lost.
 */
export function listenForTrustChanges(database: Database, cache: VerifyCache): Promise<Listener> {
  return listenTo(database, TRUST_CHANNEL, { onNotify: () => cache.invalidate(), onReconnect: () => cache.invalidate() });
}
