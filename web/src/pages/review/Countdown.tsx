// Time left until a review deadline, or how long it is overdue, refreshed every 30 seconds.
import { useEffect, useState } from 'react';
import { Typography } from 'antd';
import { ClockCircleOutlined } from '@ant-design/icons';
import { formatDateTime } from '../../format.ts';
import { useT, type TFunction } from '../../i18n.tsx';

const MINUTE = 60_000;

export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(h);
  }, [everyMs]);
  return now;
}

/** 2 d 3 h · 3 h 15 min · 12 min (whole minutes, rounded up while time is left). */
export function durationText(ms: number, t: TFunction): string {
  const minutes = Math.max(1, Math.ceil(Math.abs(ms) / MINUTE));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return t('review.dur.dh', { d, h });
  if (h > 0) return t('review.dur.hm', { h, m });
  return t('review.dur.m', { m });
}

export function Countdown({ due, done }: { due: string | null; done?: boolean }) {
  const t = useT();
  const now = useNow();
  if (!due) return <Typography.Text type="secondary">—</Typography.Text>;
  const left = Date.parse(due) - now;
  const over = left <= 0;
  const soon = !over && left < 2 * 3600_000;
  return (
    <span data-testid="countdown" data-overdue={over ? 'true' : 'false'} title={formatDateTime(due, t.lang)}>
      <Typography.Text type={done ? 'secondary' : over ? 'danger' : soon ? 'warning' : undefined} strong={over && !done}>
        <ClockCircleOutlined aria-hidden style={{ marginInlineEnd: 4 }} />
        {over ? t('review.overdueBy', { time: durationText(left, t) }) : t('review.left', { time: durationText(left, t) })}
      </Typography.Text>
      <br />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {formatDateTime(due, t.lang)}
      </Typography.Text>
    </span>
  );
}
