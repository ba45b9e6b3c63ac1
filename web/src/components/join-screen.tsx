/**
 * "Show join code": the whole screen for the student URL and its QR code, to
 * project while a class joins. The URL is the lab's LAN address (or this
 * page's origin): never the teacher's token. Esc or the button closes it.
 */
import { useEffect, useRef, useState } from 'react';
import { encode } from 'uqr';
import { useStore } from '../lab-context.ts';
import './join-screen.css';

export function JoinScreen({ onClose }: { onClose: () => void }) {
  const store = useStore();
  const [join, setJoin] = useState<{ url: string; lan: boolean } | null>(null);
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    void store.studentUrl().then((answer) => {
      if (live) setJoin(answer);
    });
    return () => {
      live = false;
    };
  }, [store]);

  useEffect(() => {
    close.current?.focus();
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="join-screen" role="dialog" aria-modal="true" aria-label="Join code for students" data-join>
      <p className="join-lead">Open on your phone or laptop</p>
      {join ? (
        <>
          <p className="join-url" data-join-url>
            {join.url}
          </p>
          <QrCode text={join.url} />
          {!join.lan && (
            <p className="join-note">
              The lab listens on this machine only: start it with <code>npm start -- --lan</code> so students can reach
              it.
            </p>
          )}
        </>
      ) : (
        <p className="join-url">…</p>
      )}
      <button ref={close} type="button" data-control="join-close" onClick={onClose}>
        Close (Esc)
      </button>
    </div>
  );
}

/** A QR code drawn from uqr's modules, one square each, with the usual quiet zone. */
function QrCode({ text }: { text: string }) {
  const { data, size } = encode(text, { border: 2 });
  const squares: string[] = [];
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) squares.push(`M${x} ${y}h1v1h-1z`);
    });
  });
  return (
    <svg
      className="join-qr"
      data-join-qr
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={`QR code of ${text}`}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#ffffff" />
      <path d={squares.join('')} fill="#000000" />
    </svg>
  );
}
