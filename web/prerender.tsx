// Renders a public page to HTML at build time (web/vite.config.ts, `prerender`): the same App, routes
// and components as the browser, in zh-CN (the default language), signed out, in a memory router. The
// build puts the markup in the page's own HTML file, so the page paints before any script has run;
// main.tsx then draws it with React over that markup. antd runs with zeroRuntime (its static
// stylesheet), so the only styles written at render are the theme's CSS variables, collected here.
import { renderToString } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createMemoryRouter } from 'react-router';
import { createCache, extractStyle, StyleProvider } from '@ant-design/cssinjs';
import App, { preloadRoute, routes } from './src/App.tsx';
import { ME_KEY } from './src/common.tsx';
import { I18nProvider, loadLanguage } from './src/i18n.tsx';

export interface Rendered {
  /** The markup of the root element's content. */
  html: string;
  /** The style elements antd would write at run time (the theme's variables), as CSS text. */
  css: string;
}

export async function render(path: string): Promise<Rendered> {
  await Promise.all([loadLanguage('zh-CN'), preloadRoute(path)]);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  queryClient.setQueryData(ME_KEY, { kind: null }); // nobody signed in: the portal shows its sign-in card
  const cache = createCache();
  const html = renderToString(
    <StyleProvider cache={cache}>
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <App router={createMemoryRouter(routes, { initialEntries: [path] })} />
        </I18nProvider>
      </QueryClientProvider>
    </StyleProvider>,
  );
  queryClient.clear();
  return { html, css: extractStyle(cache, { plain: true }) };
}
