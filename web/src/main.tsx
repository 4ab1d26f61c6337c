import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter } from 'react-router';
import { getMe, isApiError } from './api.ts';
import { ME_KEY } from './common.tsx';
import { I18nProvider, loadLanguage, type Lang } from './i18n.tsx';
// antd's components' styles, static (the theme runs with zeroRuntime: see App.tsx).
import 'antd/dist/antd.css';
import App, { preloadRoute, routes } from './App.tsx';

// A session that ended (expired, signed out elsewhere) or lost its real-name check makes the pages
// re-read who is signed in, so they fall back to the sign-in step instead of showing an error.
function onApiError(error: unknown) {
  if (isApiError(error) && (error.code === 'unauthenticated' || error.code === 'real_name_required')) {
    void queryClient.invalidateQueries({ queryKey: ['me'] });
  }
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      // 4xx answers are final (not signed in, not found...); only retry network/5xx errors, once.
      retry: (failureCount, error) =>
        failureCount < 1 && !(isApiError(error) && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

// The language I18nProvider will start in (the choice it keeps in localStorage), loaded before the first render.
function savedLang(): Lang {
  try {
    return localStorage.getItem('zhuxiao.lang') === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

// The public pages come pre-rendered in their HTML (web/prerender.tsx), painted before any script has
// run and inert until React draws them. The first render replaces that markup (createRoot, not
// hydration: another language, another route, a signed-in session all draw something else, with no
// mismatch to fail), so it waits for what it needs to draw the page at once, fetched side by side:
// the language's catalogue, the route's chunk, and on the portal who is signed in (the sign-in card
// or the person's lines). Drawing a spinner first would replace the painted page for a moment.
const { pathname } = window.location;
const me = queryClient.prefetchQuery({ queryKey: ME_KEY, queryFn: getMe, staleTime: 30_000 });
const ready: Promise<unknown>[] = [applyStylesheets(), loadLanguage(savedLang()), preloadRoute(pathname)];
if (pathname === '/portal' || pathname.startsWith('/portal/')) ready.push(me);
// A chunk that fails to load is React.lazy's to report (the route's error), as before.
void Promise.allSettled(ready).then(mount);

// The build only preloads antd's stylesheet (web/vite.config.ts, firstPaint: a stylesheet would hold back
// the first paint); it is applied here, in the preload's place (before a pre-rendered page's own
// styles), and the first render waits for it. In the dev server the styles come with the modules.
function applyStylesheets(): Promise<unknown> {
  const preloads = [...document.querySelectorAll<HTMLLinkElement>('link[rel="preload"][as="style"]')];
  return Promise.all(preloads.map((preload) => new Promise<void>((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    if (preload.crossOrigin !== null) link.crossOrigin = preload.crossOrigin;
    // As written (not resolved): Vite's preload helper looks for the sheet by it and does not load it twice.
    link.setAttribute('href', preload.getAttribute('href')!);
    link.onload = link.onerror = () => resolve();
    preload.replaceWith(link);
  })));
}

function mount() {
  const root = createRoot(document.getElementById('root')!);
  // A transition: the first render yields to the browser every few milliseconds instead of holding the
  // main thread for the whole tree (one long task on a slow phone); what it draws is the same.
  startTransition(() => {
    root.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <I18nProvider>
            <App router={createBrowserRouter(routes)} />
          </I18nProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
  });
}
