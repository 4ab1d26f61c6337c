// Texts of the conditions only a store meets, in zh-CN and en.
import type { Lang } from '../cancellation/messages.ts';

type P = Record<string, string | number>;

const TEXTS: Record<Lang, Record<string, { message: (p: P) => string; remedy: (p: P) => string }>> = {
  en: {
    other_carrier: {
      message: (p) => `This line is with ${p.lineCarrier}; this store (${p.storeName}) cannot cancel it.`,
      remedy: (p) => `Cancel it at a ${p.lineCarrier} store or in ${p.lineCarrier}'s app.`,
    },
  },
  'zh-CN': {
    other_carrier: {
      message: (p) => `该号码属于${p.lineCarrier}，本营业厅（${p.storeName}）无法为其办理注销。`,
      remedy: (p) => `请到${p.lineCarrier}营业厅或通过其官方渠道办理。`,
    },
  },
};

export const storeBlockerText = (lang: Lang, code: string, p: P) => ({ message: TEXTS[lang][code].message(p), remedy: TEXTS[lang][code].remedy(p) });
