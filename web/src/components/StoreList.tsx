// Where a store-only line can be cancelled: the carrier's stores in the line's home province (or, when
// the directory has none there, a word to bring the ID card to any of the carrier's stores).
import { List, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { getStores, type Line } from '../api.ts';
import { ErrorAlert, Loading } from '../common.tsx';
import { pickName } from '../format.ts';
import { useT } from '../i18n.tsx';

export const storeKeys = {
  all: ['stores'] as const,
  of: (carrier: string, province: string | null | undefined) => ['stores', carrier, province ?? ''] as const,
};

export function StoreList({ line }: { line: Line }) {
  const t = useT();
  const stores = useQuery({
    queryKey: storeKeys.of(line.carrier, line.homeProvince),
    queryFn: () => getStores(line.carrier, line.homeProvince),
    staleTime: 10 * 60_000,
  });
  const province = line.homeProvinceName ? pickName(line.homeProvinceName, t.lang) : line.homeProvince ?? '';
  const carrier = pickName(line.carrierName, t.lang);
  if (stores.isPending) return <Loading />;
  if (stores.isError) return <ErrorAlert error={stores.error} />;
  if (stores.data.stores.length === 0) {
    return <Typography.Text data-testid="store-list-empty">{t('stores.none', { carrier, province })}</Typography.Text>;
  }
  return (
    <div data-testid="store-list">
      <Typography.Text strong>{t('stores.title', { carrier, province })}</Typography.Text>
      <List
        size="small"
        dataSource={stores.data.stores}
        renderItem={(s) => <List.Item data-testid={`store-${s.id}`}>{pickName(s.name, t.lang)}</List.Item>}
      />
    </div>
  );
}
