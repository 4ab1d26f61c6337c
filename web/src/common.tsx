// Small shared pieces: language switch, error display, status tags, session and dev-mode hooks.
import type { ReactNode } from 'react';
import { Alert, Button, Result, Spin, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { getDemoAccounts, getMe, isApiError, type Me, type RequestStatus } from './api.ts';
import { useLang, useT, type TFunction } from './i18n.tsx';

export function LangSwitch() {
  const { lang, setLang } = useLang();
  const target = lang === 'en' ? 'zh-CN' : 'en';
  const label = target === 'en' ? 'English' : '中文';
  return (
    <Button
      data-testid="lang-switch"
      size="small"
      autoInsertSpace={false}
      aria-label={label}
      lang={target}
      onClick={() => setLang(target)}
    >
      {label}
    </Button>
  );
}

const HAN = /[\u4e00-\u9fff]/;

/**
 * Text for an error: the catalogue's wording for its code, then the server's message (localised by
 * Accept-Language) as the detail when it says more. Nothing else (a script error's text, an English
 * sentence on a Chinese screen) is shown.
 */
export function errorText(err: unknown, t: TFunction): { title: string; detail?: string } {
  if (isApiError(err)) {
    if (err.status === 0) return { title: t('error.network') };
    const inLang = err.message && (t.lang === 'en') !== HAN.test(err.message) ? err.message : '';
    const mapped = t.dyn(`err.${err.code}`, '');
    if (mapped) return { title: mapped, detail: inLang && inLang.replace(/[。.]$/, '') !== mapped ? inLang : undefined };
    if (err.status === 401 && !inLang) return { title: t('err.unauthenticated') };
    return { title: inLang || t('error.generic') };
  }
  // Our own checks throw Error(t(...)) in the reader's language; a script error's English text is not shown.
  if (err instanceof Error && err.message && (t.lang === 'en') !== HAN.test(err.message)) return { title: err.message };
  return { title: t('error.generic') };
}

export function ErrorAlert({ error, action, testId }: { error: unknown; action?: ReactNode; testId?: string }) {
  const t = useT();
  if (!error) return null;
  const { title, detail } = errorText(error, t);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid={testId ?? 'error-alert'}
      title={title}
      description={detail}
      action={action}
    />
  );
}

const STATUS_COLORS: Record<RequestStatus, string> = {
  pending_review: 'gold',
  approved: 'blue',
  executing: 'processing',
  completed: 'success',
  rejected: 'error',
  withdrawn: 'default',
  needs_attention: 'warning',
};

export function statusLabel(status: string, t: TFunction): string {
  return t.dyn(`status.${status}`, status);
}

export function StatusTag({ status }: { status: string }) {
  const t = useT();
  const color = STATUS_COLORS[status as RequestStatus] ?? 'default';
  return (
    <Tag color={color} data-testid="status-tag" data-status={status}>
      {statusLabel(status, t)}
    </Tag>
  );
}

export function channelLabel(channel: string, t: TFunction): string {
  return t.dyn(`channel.${channel}`, channel);
}

export function roleLabel(role: string, t: TFunction): string {
  return t.dyn(`role.${role}`, role);
}

export function Loading() {
  const t = useT();
  return (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin description={t('common.loading')} />
    </div>
  );
}

export function NotFound() {
  const t = useT();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      extra={
        <Link to="/">
          <Button type="primary">{t('notFound.home')}</Button>
        </Link>
      }
    />
  );
}

export const ME_KEY = ['me'] as const;

export function useMe() {
  return useQuery<Me>({ queryKey: ME_KEY, queryFn: getMe, staleTime: 30_000 });
}

/** Dev mode is on when the server answers /dev/demo-accounts (404 otherwise). */
export function useDemoAccounts() {
  return useQuery({ queryKey: ['dev', 'demo-accounts'], queryFn: getDemoAccounts, staleTime: Infinity, retry: false });
}

/** Where a staff member lands after signing in. */
export function staffHome(role: string): string {
  if (role === 'reviewer') return '/staff/review';
  if (role === 'clerk') return '/staff/store';
  if (role === 'company_admin') return '/staff/fleet';
  return '/staff/ops';
}
