// A range of China calendar days (YYYY-MM-DD, both included) picked with antd's RangePicker; days
// after today (China time) cannot be picked. Shared by the dashboard and the audit trail.
import { DatePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { chinaToday } from './ops-rules.ts';

const FORMAT = 'YYYY-MM-DD';

export interface DayRangeValue { from: string; to: string }

export function DayRange({
  value,
  onChange,
  label,
  testId,
  allowClear = false,
}: {
  value: DayRangeValue | null;
  onChange: (v: DayRangeValue | null) => void;
  label: [string, string];
  testId: string;
  allowClear?: boolean;
}) {
  const today = chinaToday();
  const picked: [Dayjs, Dayjs] | null = value ? [dayjs(value.from, FORMAT), dayjs(value.to, FORMAT)] : null;
  return (
    <span data-testid={testId} style={{ display: 'inline-block' }}>
    <DatePicker.RangePicker
      value={picked}
      format={FORMAT}
      allowClear={allowClear}
      allowEmpty={[false, false]}
      id={{ start: `${testId}-from`, end: `${testId}-to` }}
      placeholder={label}
      aria-label={`${label[0]} – ${label[1]}`}
      disabledDate={(d) => d.format(FORMAT) > today}
      onChange={(v) => {
        const [a, b] = v ?? [];
        onChange(a && b ? { from: a.format(FORMAT), to: b.format(FORMAT) } : null);
      }}
      style={{ width: 260 }}
    />
    </span>
  );
}
