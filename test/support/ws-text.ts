import type { RawData } from 'ws';

/** A WebSocket message as text: ws hands it over as a Buffer, Buffer fragments or an ArrayBuffer. */
export function wsText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString();
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString();
}
