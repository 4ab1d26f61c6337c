// A table wider than a phone scrolls sideways inside this box, which keyboard users can focus and
// scroll (axe scrollable-region-focusable): antd's own scroll box takes no tabIndex.
import type { ReactNode } from 'react';

export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
      {children}
    </div>
  );
}
