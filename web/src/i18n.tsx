// Messages come from one catalogue per language (web/src/locales/{zh-CN,en}.json, ICU MessageFormat:
// `{n, plural, one {# line} other {# lines}}`), run by i18next with i18next-icu. A catalogue is loaded
// when its language is first needed (dynamic import: a page ships only its language). zh-CN is the
// default; the choice is kept in localStorage, sent to the API as Accept-Language, and switches
// antd's own locale too. `useT()` / `t(key, vars)` / `t.lang` / `t.dyn` are the pages' API.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import i18next from 'i18next';
import ICU from 'i18next-icu';
import { I18nextProvider } from 'react-i18next';
import { setApiLanguage } from './api.ts';
import type zhCatalogue from './locales/zh-CN.json';

export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'zhuxiao.lang';

export type MessageKey = keyof typeof zhCatalogue;
type Catalogue = Record<MessageKey, string>;

const LOADERS: Record<Lang, () => Promise<{ default: Catalogue }>> = {
  'zh-CN': () => import('./locales/zh-CN.json'),
  en: () => import('./locales/en.json'),
};

const i18n = i18next.createInstance();
void i18n.use(ICU).init({
  lng: 'zh-CN',
  fallbackLng: false,
  resources: {},
  keySeparator: false, // keys are flat: 'request.title'
  nsSeparator: false,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  react: { useSuspense: false },
  initAsync: false,
});

const loading = new Map<Lang, Promise<void>>();

/** Loads a language's catalogue once; resolves when its messages can be used. */
export function loadLanguage(lang: Lang, attempt = 0): Promise<void> {
  if (i18n.hasResourceBundle(lang, 'translation')) return Promise.resolve();
  let p = loading.get(lang);
  if (!p) {
    // A failed fetch (a deploy replaced the files, a dropped connection) is tried again, not kept.
    p = LOADERS[lang]().then((m) => { i18n.addResourceBundle(lang, 'translation', m.default, true, true); })
      .catch(async (err: unknown) => {
        loading.delete(lang);
        await new Promise((r) => setTimeout(r, 1000));
        if (isLoaded(lang)) return;
        if (attempt < 2) return loadLanguage(lang, attempt + 1);
        throw err;
      });
    loading.set(lang, p);
  }
  return p;
}

const isLoaded = (lang: Lang) => i18n.hasResourceBundle(lang, 'translation');

export function isMessageKey(key: string): key is MessageKey {
  return LANGS.some((l) => isLoaded(l) && i18n.exists(key, { lng: l }));
}

/** A message in a given language; a language whose catalogue is not loaded yet answers in one that is. */
export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const use = isLoaded(lang) ? lang : LANGS.find(isLoaded) ?? lang;
  return i18n.getFixedT(use)(key, vars ?? {}) as string;
}

/** Loads a language for a part of a page that shows another language than the page (the agreement); true once it is there. */
export function useCatalogue(lang: Lang): boolean {
  const [ready, setReady] = useState(() => isLoaded(lang));
  useEffect(() => {
    let live = true;
    if (isLoaded(lang)) setReady(true);
    else { setReady(false); void loadLanguage(lang).then(() => { if (live) setReady(true); }); }
    return () => { live = false; };
  }, [lang]);
  return ready;
}

export type TFunction = {
  (key: MessageKey, vars?: Record<string, string | number>): string;
  /** For keys built at run time (status codes etc.): the fallback when the dictionary lacks the key. */
  dyn: (key: string, fallback: string, vars?: Record<string, string | number>) => string;
  lang: Lang;
};

function makeT(lang: Lang): TFunction {
  const t = ((key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars)) as TFunction;
  t.dyn = (key, fallback, vars) => (isMessageKey(key) ? translate(lang, key, vars) : fallback);
  t.lang = lang;
  return t;
}

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage unavailable (private mode): fall back to the default
  }
  return 'zh-CN';
}

interface I18nValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: TFunction;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  // The language on screen: the chosen one once its catalogue is in.
  const [shown, setShown] = useState<Lang | null>(() => (isLoaded(lang) ? lang : null));
  setApiLanguage(shown ?? lang);

  useEffect(() => {
    let live = true;
    void loadLanguage(lang).then(async () => {
      await i18n.changeLanguage(lang);
      if (live) setShown(lang);
    });
    return () => { live = false; };
  }, [lang]);

  const setLang = useCallback((next: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // ignore: the choice just won't survive a reload
    }
    setLangState(next);
  }, []);

  useEffect(() => {
    if (!shown) return;
    document.documentElement.lang = shown;
    document.title = shown === 'en' ? 'Zhuxiao 注销' : '注销 Zhuxiao';
  }, [shown]);

  const value = useMemo(() => (shown ? { lang: shown, setLang, t: makeT(shown) } : null), [shown, setLang]);
  if (!value) return null; // the first catalogue is on its way (a few kB)
  return (
    <I18nextProvider i18n={i18n}>
      <I18nContext.Provider value={value}>
        <ConfigProvider locale={value.lang === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1677ff' } }}>
          {children}
        </ConfigProvider>
      </I18nContext.Provider>
    </I18nextProvider>
  );
}

function useI18nContext(): I18nValue {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useT must be used inside <I18nProvider>');
  return ctx;
}

/** The translate function for the current language (re-renders on switch). */
export function useT(): TFunction {
  return useI18nContext().t;
}

export function useLang(): { lang: Lang; setLang: (lang: Lang) => void } {
  const { lang, setLang } = useI18nContext();
  return { lang, setLang };
}
