// An on-screen signature: a canvas the customer draws on with a finger, a stylus or the mouse.
// Pointer events where the browser has them (touch-action: none keeps the page from scrolling while
// signing); touch and mouse events otherwise. The drawing is exported as a PNG, base64 without the
// "data:" prefix, on a white background so it prints the same everywhere.
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { Button, Flex, Typography } from 'antd';
import { ClearOutlined } from '@ant-design/icons';
import { useT } from '../i18n.tsx';

export interface SignaturePadHandle {
  /** The signature as PNG base64 (no data: prefix), or null when nothing has been drawn. */
  toPngBase64(): string | null;
  clear(): void;
  isEmpty(): boolean;
}

interface Props {
  ref?: Ref<SignaturePadHandle>;
  /** Called whenever the pad goes from empty to signed or back. */
  onChange?: (signed: boolean) => void;
  height?: number;
  testId?: string;
  disabled?: boolean;
}

/** Ink drawn before a signature counts as one (CSS px of stroke length): a stray tap is not a signature. */
const MIN_INK = 24;
const MAX_BACKING_WIDTH = 1600;

export function SignaturePad({ ref, onChange, height = 200, testId = 'signature-pad', disabled = false }: Props) {
  const t = useT();
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const wrapRef = useRef<HTMLDivElement | null>(null);
  const ink = useRef(0);
  const last = useRef<{ x: number; y: number } | null>(null);
  const activePointer = useRef<number | null>(null);
  const [signed, setSigned] = useState(false);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  const paintBackground = useCallback(() => {
    const c = canvasRef.current;
    const g = c?.getContext('2d');
    if (!c || !g) return;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    // Baseline to sign on (part of the image, like the line on a paper form).
    const scale = c.width / Math.max(1, c.clientWidth);
    g.strokeStyle = '#d9d9d9';
    g.lineWidth = 1 * scale;
    g.beginPath();
    g.moveTo(16 * scale, c.height - 36 * scale);
    g.lineTo(c.width - 16 * scale, c.height - 36 * scale);
    g.stroke();
  }, []);

  const setSignedState = useCallback((next: boolean) => {
    setSigned((prev) => {
      if (prev !== next) onChangeRef.current?.(next);
      return next;
    });
  }, []);

  const clear = useCallback(() => {
    ink.current = 0;
    last.current = null;
    paintBackground();
    setSignedState(false);
  }, [paintBackground, setSignedState]);

  // Size the backing store to the displayed size × device pixel ratio (capped), and clear on resize:
  // a resized signature would be distorted.
  useEffect(() => {
    const c = canvasRef.current;
    const wrap = wrapRef.current;
    if (!c || !wrap) return;
    let lastWidth = 0;
    const fit = () => {
      const w = Math.round(wrap.clientWidth);
      if (!w || w === lastWidth) return;
      lastWidth = w;
      const dpr = Math.min(window.devicePixelRatio || 1, MAX_BACKING_WIDTH / w, 3);
      c.width = Math.round(w * dpr);
      c.height = Math.round(height * dpr);
      clear();
    };
    fit();
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(fit) : null;
    ro?.observe(wrap);
    return () => ro?.disconnect();
  }, [height, clear]);

  const point = (clientX: number, clientY: number) => {
    const c = canvasRef.current!;
    const r = c.getBoundingClientRect();
    return { x: clientX - r.left, y: clientY - r.top };
  };

  const stroke = useCallback(
    (to: { x: number; y: number }, pressure = 0.5) => {
      const c = canvasRef.current;
      const g = c?.getContext('2d');
      const from = last.current;
      if (!c || !g || !from) return;
      const scale = c.width / Math.max(1, c.clientWidth);
      g.setTransform(scale, 0, 0, scale, 0, 0);
      g.strokeStyle = '#1f1f1f';
      g.lineCap = 'round';
      g.lineJoin = 'round';
      g.lineWidth = 1.6 + 1.8 * (pressure || 0.5);
      g.beginPath();
      g.moveTo(from.x, from.y);
      g.lineTo(to.x, to.y);
      g.stroke();
      ink.current += Math.hypot(to.x - from.x, to.y - from.y);
      last.current = to;
      if (ink.current >= MIN_INK) setSignedState(true);
    },
    [setSignedState],
  );

  const dot = useCallback((at: { x: number; y: number }) => {
    const c = canvasRef.current;
    const g = c?.getContext('2d');
    if (!c || !g) return;
    const scale = c.width / Math.max(1, c.clientWidth);
    g.setTransform(scale, 0, 0, scale, 0, 0);
    g.fillStyle = '#1f1f1f';
    g.beginPath();
    g.arc(at.x, at.y, 1.4, 0, Math.PI * 2);
    g.fill();
  }, []);

  // Event wiring. Touch listeners need { passive: false } to stop the page scrolling, so they are added
  // by hand rather than through React props.
  useEffect(() => {
    const c = canvasRef.current;
    if (!c || disabled) return;
    const hasPointer = typeof window.PointerEvent === 'function';
    const start = (x: number, y: number) => {
      last.current = point(x, y);
      dot(last.current);
    };
    const end = () => {
      last.current = null;
      activePointer.current = null;
    };

    const onPointerDown = (e: PointerEvent) => {
      if (activePointer.current !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
      activePointer.current = e.pointerId;
      c.setPointerCapture?.(e.pointerId);
      e.preventDefault();
      start(e.clientX, e.clientY);
    };
    const onPointerMove = (e: PointerEvent) => {
      if (e.pointerId !== activePointer.current || !last.current) return;
      e.preventDefault();
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      for (const ev of events.length ? events : [e]) stroke(point(ev.clientX, ev.clientY), e.pointerType === 'mouse' ? 0.5 : e.pressure);
    };
    const onPointerUp = (e: PointerEvent) => {
      if (e.pointerId === activePointer.current) end();
    };

    const onTouchStart = (e: TouchEvent) => {
      const tp = e.touches[0];
      if (!tp) return;
      e.preventDefault();
      start(tp.clientX, tp.clientY);
    };
    const onTouchMove = (e: TouchEvent) => {
      const tp = e.touches[0];
      if (!tp || !last.current) return;
      e.preventDefault();
      stroke(point(tp.clientX, tp.clientY), tp.force || 0.5);
    };
    const onMouseDown = (e: MouseEvent) => {
      if (e.button !== 0) return;
      start(e.clientX, e.clientY);
    };
    const onMouseMove = (e: MouseEvent) => {
      if (last.current && e.buttons & 1) stroke(point(e.clientX, e.clientY));
    };

    if (hasPointer) {
      c.addEventListener('pointerdown', onPointerDown);
      c.addEventListener('pointermove', onPointerMove);
      c.addEventListener('pointerup', onPointerUp);
      c.addEventListener('pointercancel', onPointerUp);
      c.addEventListener('lostpointercapture', onPointerUp);
      // Some mobile browsers still start a scroll from a touch unless it is cancelled explicitly.
      c.addEventListener('touchmove', preventScroll, { passive: false });
    } else {
      c.addEventListener('touchstart', onTouchStart, { passive: false });
      c.addEventListener('touchmove', onTouchMove, { passive: false });
      c.addEventListener('touchend', end);
      c.addEventListener('touchcancel', end);
      c.addEventListener('mousedown', onMouseDown);
      window.addEventListener('mousemove', onMouseMove);
      window.addEventListener('mouseup', end);
    }
    return () => {
      c.removeEventListener('pointerdown', onPointerDown);
      c.removeEventListener('pointermove', onPointerMove);
      c.removeEventListener('pointerup', onPointerUp);
      c.removeEventListener('pointercancel', onPointerUp);
      c.removeEventListener('lostpointercapture', onPointerUp);
      c.removeEventListener('touchmove', preventScroll);
      c.removeEventListener('touchstart', onTouchStart);
      c.removeEventListener('touchmove', onTouchMove);
      c.removeEventListener('touchend', end);
      c.removeEventListener('touchcancel', end);
      c.removeEventListener('mousedown', onMouseDown);
      window.removeEventListener('mousemove', onMouseMove);
      window.removeEventListener('mouseup', end);
    };
  }, [disabled, dot, stroke]);

  useImperativeHandle(
    ref,
    () => ({
      toPngBase64: () => {
        const c = canvasRef.current;
        if (!c || ink.current < MIN_INK) return null;
        const url = c.toDataURL('image/png');
        const comma = url.indexOf(',');
        return comma >= 0 ? url.slice(comma + 1) : null;
      },
      clear,
      isEmpty: () => ink.current < MIN_INK,
    }),
    [clear],
  );

  return (
    <Flex vertical gap={8}>
      <div
        ref={wrapRef}
        style={{
          width: '100%',
          border: `1px dashed ${signed ? '#52c41a' : '#bfbfbf'}`,
          borderRadius: 8,
          overflow: 'hidden',
          background: '#fff',
          opacity: disabled ? 0.5 : 1,
        }}
      >
        <canvas
          ref={canvasRef}
          data-testid={testId}
          data-signed={signed ? 'true' : 'false'}
          role="img"
          aria-label={t('sign.padLabel')}
          style={{ display: 'block', touchAction: 'none', cursor: disabled ? 'not-allowed' : 'crosshair', width: '100%', height }}
        />
      </div>
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Typography.Text type={signed ? 'success' : 'secondary'} data-testid={`${testId}-state`}>
          {signed ? t('sign.signed') : t('sign.hint')}
        </Typography.Text>
        <Button icon={<ClearOutlined />} onClick={clear} disabled={disabled} data-testid={`${testId}-clear`}>
          {t('sign.clear')}
        </Button>
      </Flex>
    </Flex>
  );
}

function preventScroll(e: TouchEvent) {
  e.preventDefault();
}
