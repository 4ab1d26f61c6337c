// The message a person reads for an error, in their language: zh-CN from its catalogue by code and
// details; en from the English catalogue where it has an entry, else the use case's own sentence.
import type { Lang } from '../lang.ts';
import { en } from './en.ts';
import type { Details, MessageCode } from './types.ts';
import { zhCN } from './zh-CN.ts';

export type { MessageCode } from './types.ts';

export function errorMessage(lang: Lang, code: string, englishMessage: string, details: Details | undefined, now: Date): string {
  const text = lang === 'en' ? en[code as MessageCode] : zhCN[code as MessageCode];
  return text ? text(details ?? {}, now) : englishMessage;
}
