// The documents a mandate needs (agent's ID and the letter of authorisation, the death certificate
// and proof of relationship, the company letter), scanned or photographed: one file per kind, PNG,
// JPEG or PDF up to 5 MB, checked by content before it is sent. Optional extra documents too.
import { useRef, useState } from 'react';
import { Button, Flex, Tag, Typography } from 'antd';
import { CheckCircleFilled, DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { REQUIRED_DOCUMENTS, type DocumentKind, type MandateType } from '../../api.ts';
import { useT } from '../../i18n.tsx';
import { readDocument, type PickedDocument, type ReadFileError } from './store-rules.ts';

const { Text } = Typography;
const OPTIONAL: DocumentKind[] = ['applicant_id', 'other'];
const ACCEPT = 'image/png,image/jpeg,application/pdf,.png,.jpg,.jpeg,.pdf';

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function DocumentsInput({
  mandate,
  documents,
  onChange,
}: {
  mandate: MandateType;
  documents: PickedDocument[];
  onChange: (docs: PickedDocument[]) => void;
}) {
  const t = useT();
  const required = REQUIRED_DOCUMENTS[mandate];
  const kinds = [...required, ...OPTIONAL.filter((k) => !required.includes(k))];
  return (
    <Flex vertical gap={8} data-testid="documents">
      <Text strong>{required.length ? t('store.docs.required') : t('store.docs.none')}</Text>
      {kinds.map((kind) => (
        <DocumentRow
          key={kind}
          kind={kind}
          required={required.includes(kind)}
          doc={documents.find((d) => d.kind === kind) ?? null}
          onPick={(doc) => onChange([...documents.filter((d) => d.kind !== kind), doc])}
          onRemove={() => onChange(documents.filter((d) => d.kind !== kind))}
        />
      ))}
      <Text type="secondary" style={{ fontSize: 12 }}>
        {t('store.docs.hint')}
      </Text>
    </Flex>
  );
}

function DocumentRow({
  kind,
  required,
  doc,
  onPick,
  onRemove,
}: {
  kind: DocumentKind;
  required: boolean;
  doc: PickedDocument | null;
  onPick: (doc: PickedDocument) => void;
  onRemove: () => void;
}) {
  const t = useT();
  const input = useRef<HTMLInputElement | null>(null);
  const [error, setError] = useState<ReadFileError | null>(null);
  const [reading, setReading] = useState(false);

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setReading(true);
    setError(null);
    try {
      const r = await readDocument(kind, file);
      if ('error' in r) setError(r.error);
      else onPick(r);
    } finally {
      setReading(false);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <Flex
      data-testid={`doc-${kind}`}
      data-picked={doc ? 'true' : 'false'}
      gap={8}
      align="center"
      wrap
      style={{ padding: '6px 10px', border: '1px solid #f0f0f0', borderRadius: 6, background: doc ? '#f6ffed' : undefined }}
    >
      <Flex gap={6} align="center" style={{ flex: '1 1 200px', minWidth: 0 }} wrap>
        {doc ? <CheckCircleFilled style={{ color: '#52c41a' }} /> : <PaperClipOutlined />}
        <Text>{t.dyn(`docKind.${kind}`, kind)}</Text>
        {required ? <Tag color={doc ? 'green' : 'red'}>{t('store.docs.requiredTag')}</Tag> : <Tag>{t('store.docs.optionalTag')}</Tag>}
        {doc ? (
          <Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }}>
            {doc.name} · {sizeText(doc.size)}
          </Text>
        ) : null}
        {error ? (
          <Text type="danger" style={{ fontSize: 12 }} data-testid={`doc-error-${kind}`}>
            {t.dyn(`store.docs.error.${error}`, error)}
          </Text>
        ) : null}
      </Flex>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        hidden
        data-testid={`doc-input-${kind}`}
        onChange={(e) => void pick(e.target.files?.[0])}
      />
      <Flex gap={4}>
        <Button size="small" icon={<UploadOutlined />} loading={reading} onClick={() => input.current?.click()}>
          {doc ? t('store.docs.replace') : t('store.docs.pick')}
        </Button>
        {doc ? (
          <Button size="small" icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('store.docs.remove')} />
        ) : null}
      </Flex>
    </Flex>
  );
}
