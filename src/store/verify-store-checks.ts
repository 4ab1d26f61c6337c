// The checks a clerk makes before taking a cancellation at the counter. Pure: the caller loads the
// line and its owner's record and passes the vault's blind index.
//
// - The card: a physical SIM is handed back and its scanned ICCID must be the line's. A card reported
//   lost cannot be handed back, so it needs no scan (a scan given must still match). An eSIM has no
//   card: the clerk records whether the customer deleted the profile on the phone (true or false).
// - Identity: the ID document number presented must be the real-name record's (compared by blind
//   index, never in clear) and the face check must have passed. For a company line the document is
//   the company's registration; the face check is the representative's.
// - The mandate: who applies, and the documents that mandate needs (missing → documents_missing).
//   A company line needs the 'company' mandate and only a company line takes it. When the record says
//   the owner has died, only 'deceased_owner' is accepted (an authorisation ends with death). When an
//   heir presents a death certificate the record does not know of yet, the request is still taken
//   but goes to a reviewer instead of being carried out on the spot.
// - The agent: whoever applies for the owner (proxy, heir, company representative) gives their name,
//   their ID number and their relationship to the owner; all three are required.
import type { Customer, Line } from '../db/schema.ts';
import { checkIccid, checkResidentId } from '../identifiers/index.ts';
import { normaliseIdNumber } from '../identity/pii.ts';
import { AppError } from '../shared/errors.ts';
import { checkDocuments, missingDocuments, type CheckedDocument, type DocumentInput, type MandateType } from './documents.ts';

export interface StoreChecksInput {
  iccidScanned?: string;
  esimProfileDeleted?: boolean;
  identityCheck: { idNumber: string; faceMatched: boolean };
  mandate: { type: MandateType; documents?: DocumentInput[]; applicantIdNumber?: string; applicantName?: string; relationship?: string };
}

export const MAX_APPLICANT_NAME = 50;
export const MAX_RELATIONSHIP = 30;

export interface StoreChecksResult {
  mandate: MandateType;
  /** The scanned card is the line's (null: no card to scan: eSIM, or a physical card reported lost and not scanned). */
  iccidMatched: boolean | null;
  /** A physical card was handed back at the counter. */
  cardReturned: boolean;
  esimProfileDeleted: boolean | null;
  documents: CheckedDocument[];
  /** The applicant's ID number (non-owner mandates), normalised; the caller seals it. */
  applicantIdNumber: string | null;
  /** The applicant's name and relationship to the owner (non-owner mandates). */
  applicantName: string | null;
  relationship: string | null;
  /** Why the request must go to a reviewer instead of executing at once, if it must. */
  needsReview: null | 'death_not_on_record';
}

export const looksLikeResidentId = (s: string) => /^\d{17}[\dX]$/.test(s) || /^\d{15}$/.test(s);

/** The scanned ICCID in canonical form (what checkIccid normalises to, else digits and letters only). */
export function normaliseIccid(scanned: string): string {
  const r = checkIccid(scanned);
  return r.normalized ?? scanned.replace(/[\s-]/g, '').toUpperCase();
}

export function verifyStoreChecks(
  input: StoreChecksInput,
  subject: { line: Pick<Line, 'iccid' | 'form_factor' | 'status'>; customer: Pick<Customer, 'id_blind' | 'kind' | 'deceased'> },
  blindIdIndex: (normalisedIdNumber: string) => string,
  now: Date = new Date(),
): StoreChecksResult {
  const { line, customer } = subject;

  // The card.
  let iccidMatched: boolean | null = null;
  let esimProfileDeleted: boolean | null = null;
  const scanned = input.iccidScanned?.trim() ? normaliseIccid(input.iccidScanned) : null;
  if (line.form_factor === 'physical') {
    if (!scanned && line.status !== 'lost') {
      throw new AppError('iccid_mismatch', 'Scan the SIM card the customer hands back: its ICCID must match the line.', { reason: 'not_scanned' });
    }
  } else if (typeof input.esimProfileDeleted !== 'boolean') {
    throw new AppError('validation_failed', 'This is an eSIM line: confirm whether the customer deleted the eSIM profile on the phone (esimProfileDeleted: true or false).');
  } else {
    esimProfileDeleted = input.esimProfileDeleted;
  }
  if (scanned) {
    if (scanned !== line.iccid) {
      throw new AppError('iccid_mismatch', 'The scanned SIM card is not this line\'s card. Check that this is the card the customer means to cancel.', { reason: 'different_card' });
    }
    iccidMatched = true;
  }

  // Identity against the real-name record.
  const presented = normaliseIdNumber(input.identityCheck.idNumber);
  if (!presented || blindIdIndex(presented) !== customer.id_blind) {
    throw new AppError('identity_mismatch', 'The ID document number does not match the real-name record of this line.', { reason: 'id_number' });
  }
  if (input.identityCheck.faceMatched !== true) {
    throw new AppError('identity_mismatch', 'The face check did not pass: the person at the counter must match the ID document presented.', { reason: 'face' });
  }

  // The mandate.
  const mandate = input.mandate.type;
  if (customer.kind === 'company' && mandate !== 'company') {
    throw new AppError('identity_mismatch', 'This line is registered to a company: it is cancelled by the company\'s representative (mandate "company").', { reason: 'mandate', expected: 'company' });
  }
  if (customer.kind !== 'company' && mandate === 'company') {
    throw new AppError('identity_mismatch', 'This line is registered to a person, not a company.', { reason: 'mandate' });
  }
  if (customer.deceased && mandate !== 'deceased_owner') {
    throw new AppError('identity_mismatch', 'The real-name record says the owner has died: a relative applies with the death certificate (mandate "deceased_owner").', { reason: 'mandate', expected: 'deceased_owner' });
  }
  let applicantIdNumber: string | null = null;
  if (input.mandate.applicantIdNumber?.trim() && mandate !== 'owner') {
    applicantIdNumber = normaliseIdNumber(input.mandate.applicantIdNumber);
    if (looksLikeResidentId(applicantIdNumber)) {
      const r = checkResidentId(applicantIdNumber, now);
      if (!r.valid) throw new AppError('invalid_identifier', `The applicant's ID number: ${r.errors[0]?.message ?? 'not a valid resident ID number.'}`, { field: 'applicantIdNumber', errors: r.errors });
    }
  }

  // Documents: each must be a real PNG, JPEG or PDF, then every kind the mandate needs must be there.
  const documents = checkDocuments(input.mandate.documents ?? []);
  const missing = missingDocuments(mandate, documents);
  if (missing.length) {
    throw new AppError('documents_missing', `For this mandate (${mandate}) scan: ${missing.join(', ')}.`, { mandate, missing });
  }

  // The agent who applies for the owner: name, ID number and relationship, every one of them.
  let applicantName: string | null = null;
  let relationship: string | null = null;
  if (mandate !== 'owner') {
    applicantName = input.mandate.applicantName?.normalize('NFKC').replace(/\s+/g, ' ').trim() || null;
    relationship = input.mandate.relationship?.normalize('NFKC').replace(/\s+/g, ' ').trim() || null;
    const missingFields = [
      ...(applicantName ? [] : ['applicantName']),
      ...(applicantIdNumber ? [] : ['applicantIdNumber']),
      ...(relationship ? [] : ['relationship']),
    ];
    if (missingFields.length) {
      throw new AppError('validation_failed', `For this mandate (${mandate}) give the applicant's name, ID number and relationship to the owner; missing: ${missingFields.join(', ')}.`, { field: missingFields[0], missing: missingFields });
    }
    if (applicantName!.length > MAX_APPLICANT_NAME || relationship!.length > MAX_RELATIONSHIP) {
      throw new AppError('validation_failed', `Keep the applicant's name under ${MAX_APPLICANT_NAME} and the relationship under ${MAX_RELATIONSHIP} characters.`, { field: applicantName!.length > MAX_APPLICANT_NAME ? 'applicantName' : 'relationship' });
    }
  }

  return {
    mandate,
    iccidMatched,
    cardReturned: line.form_factor === 'physical' && iccidMatched === true,
    esimProfileDeleted,
    documents,
    applicantIdNumber,
    applicantName,
    relationship,
    needsReview: mandate === 'deceased_owner' && !customer.deceased ? 'death_not_on_record' : null,
  };
}
