/**
 * The downloadable template: the columns' headings as one CSV row, UTF-8 with a BOM (so Excel shows the Vietnamese
 * letters), comma-separated. Built on the device from the shared column list, so it always matches what the server
 * reads, and works offline.
 */
import type { ImportColumn } from '../../../shared/roster.ts';

export function templateCsv(columns: readonly ImportColumn[]): string {
  return '\uFEFF' + columns.map((c) => c.header).join(',') + '\r\n';
}

export function templateHref(columns: readonly ImportColumn[]): string {
  return `data:text/csv;charset=utf-8,${encodeURIComponent(templateCsv(columns))}`;
}
