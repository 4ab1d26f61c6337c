// A new fleet job: the identifiers pasted one per line or a CSV file, an optional effective date, and
// the dry run. Each draft has its own Idempotency-Key, made when the draft changes: a double click
// or a retry after a dropped answer sends the same key and gets back the same job, never a second one.
import { useRef, useState } from 'react';
import { Button, Card, Flex, Form, Input, Typography } from 'antd';
import { ExperimentOutlined } from '@ant-design/icons';
import { ErrorAlert } from '../../common.tsx';
import { newUuid } from '../../format.ts';
import { useT } from '../../i18n.tsx';
import { useCreateFleetJob, type FleetJobView } from './fleet-hooks.ts';
import { pastedRows } from './fleet-text.ts';

const { Title, Text } = Typography;
/** The server's limit per job (src/fleet/plan-fleet-job.ts MAX_FLEET_ROWS); checked here to say so before uploading. */
const MAX_ROWS = 100_000;

/** Today in Beijing as YYYY-MM-DD: an effective date before it means nothing. */
const beijingToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export function NewFleetJob({ onCreated }: { onCreated: (job: FleetJobView) => void }) {
  const t = useT();
  const create = useCreateFleetJob();
  const [text, setText] = useState('');
  const [file, setFile] = useState<{ name: string; csv: string } | null>(null);
  const [effectiveDate, setEffectiveDate] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const key = useRef(newUuid());
  const fileInput = useRef<HTMLInputElement>(null);
  // Another draft: another key (the same key with other rows would give back the first job).
  const changed = () => {
    key.current = newUuid();
    setProblem(null);
    create.reset();
  };
  const rows = pastedRows(text);

  const submit = () => {
    if (!file && rows.every((r) => r.trim() === '')) return setProblem(t('fleet.new.empty'));
    if (!file && rows.length > MAX_ROWS) return setProblem(t('fleet.new.tooMany', { max: MAX_ROWS.toLocaleString() }));
    setProblem(null);
    create.mutate(
      { key: key.current, ...(file ? { csv: file.csv } : { rows }), ...(effectiveDate ? { effectiveDate } : {}) },
      { onSuccess: (job) => { key.current = newUuid(); onCreated(job); } },
    );
  };

  return (
    <Card data-testid="fleet-new">
      <Title level={3} style={{ marginTop: 0 }}>
        {t('fleet.new.title')}
      </Title>
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label={t('fleet.new.rows')} htmlFor="fleet-rows-input" extra={t('fleet.new.rowsHelp')}>
          <Input.TextArea
            id="fleet-rows-input"
            data-testid="fleet-rows-input"
            value={text}
            disabled={!!file}
            autoSize={{ minRows: 5, maxRows: 14 }}
            spellCheck={false}
            style={{ fontFamily: 'monospace' }}
            onChange={(e) => {
              setText(e.target.value);
              changed();
            }}
          />
        </Form.Item>
        {!file && text ? <Text type="secondary" style={{ display: 'block', marginTop: -16, marginBottom: 16 }}>{t('fleet.new.rowsCount', { n: rows.length })}</Text> : null}
        <Form.Item label={t('fleet.new.csv')} htmlFor="fleet-csv-input">
          <Flex vertical gap={8}>
            <input
              id="fleet-csv-input"
              ref={fileInput}
              type="file"
              accept=".csv,text/csv"
              data-testid="fleet-csv-input"
              style={{ maxWidth: '100%' }}
              onChange={async (e) => {
                const f = e.target.files?.[0];
                setFile(f ? { name: f.name, csv: await f.text() } : null);
                changed();
              }}
            />
            {file ? (
              <Flex align="center" gap={8} wrap>
                <Text data-testid="fleet-csv-chosen">{t('fleet.new.csvChosen', { name: file.name })}</Text>
                <Button
                  size="small"
                  onClick={() => {
                    setFile(null);
                    if (fileInput.current) fileInput.current.value = '';
                    changed();
                  }}
                >
                  {t('fleet.new.csvRemove')}
                </Button>
              </Flex>
            ) : null}
          </Flex>
        </Form.Item>
        <Form.Item label={t('fleet.new.effectiveDate')} htmlFor="fleet-effective-date" extra={t('fleet.new.effectiveHelp')}>
          <Input
            id="fleet-effective-date"
            type="date"
            min={beijingToday()}
            value={effectiveDate}
            style={{ maxWidth: 220 }}
            data-testid="fleet-effective-date"
            onChange={(e) => {
              setEffectiveDate(e.target.value);
              changed();
            }}
          />
        </Form.Item>
        {problem ? <Text type="danger" role="alert" style={{ display: 'block', marginBottom: 16 }}>{problem}</Text> : null}
        {create.isError ? <div style={{ marginBottom: 16 }}><ErrorAlert error={create.error} testId="fleet-new-error" /></div> : null}
        <Button type="primary" htmlType="submit" icon={<ExperimentOutlined />} loading={create.isPending} data-testid="fleet-dry-run">
          {t('fleet.new.submit')}
        </Button>
      </Form>
    </Card>
  );
}
