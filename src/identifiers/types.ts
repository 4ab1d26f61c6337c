/**
 * Shared types of the identifiers module (pure rules, no I/O).
 */

/** The kinds of identifier this module can check. */
export type IdentifierKind = 'msisdn' | 'imsi' | 'iccid' | 'eid' | 'resident-id' | 'uscc';

/** The four licensed base carriers (see domain.md, "Carriers"). */
export type CarrierCode = 'cmcc' | 'cucc' | 'ctcc' | 'cbn';

/** One problem found in an identifier: a stable machine code and a plain-English message. */
export interface Issue {
  code: string;
  message: string;
}

/**
 * The result of checking one identifier. Every check returns this full shape, whatever the input;
 * the checks never throw.
 *
 * - `valid` is true exactly when `errors` is empty; `warnings` never make an identifier invalid.
 * - `normalized` is the canonical form (E.164 for MSISDN, digits/upper-case for the others) when
 *   valid, otherwise null.
 * - Messages never repeat the whole input (it may be personal data).
 */
export interface CheckResult {
  kind: IdentifierKind;
  /** The input exactly as given. */
  input: string;
  valid: boolean;
  normalized: string | null;
  errors: Issue[];
  warnings: Issue[];
  /** ICCID, IMSI: the issuing carrier, or null when it cannot be told. */
  carrier?: CarrierCode | null;
  /**
   * MSISDN: the ORIGINAL network of the number's prefix (号段). Since number portability the
   * current network can differ: the line record is the truth. For MVNO ranges this is the host.
   */
  network?: CarrierCode | null;
  /** MSISDN: true when the prefix is an MVNO (虚拟运营商) range. */
  mvno?: boolean;
  /** MSISDN: the host base network of an MVNO range, null otherwise. */
  mvnoHost?: CarrierCode | null;
  /** MSISDN: true for a 13-digit IoT number (物联网号码: data and SMS, no voice). */
  iot?: boolean;
  /** Unified social credit code: e.g. 'enterprise', 'individual_business', 'civil_affairs'. */
  organizationType?: string | null;
  /** Resident ID: birth date as 'YYYY-MM-DD'. */
  birthDate?: string | null;
  /** Resident ID: from the 17th digit (odd = male). */
  sex?: 'male' | 'female' | null;
  /** Resident ID, unified social credit code: the 2-digit province code (e.g. '11' for Beijing). */
  province?: string | null;
}
