import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { isApiError } from './api.ts';
import { I18nProvider } from './i18n.tsx';
// antd's components' styles, static (the theme runs with zeroRuntime: see App.tsx).
import 'antd/dist/antd.css';
import App from './App.tsx';

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

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <App />
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
