/** A page reports the transports it measured, with percentiles in order, and leaves out the rest. */
import { describe, expect, it } from 'vitest';
import { summarizeLatencies } from '../../clients/latency-summary.ts';
import { classReportFor, type ReportedView } from './class-report.ts';

const view = (transport: ReportedView['transport'], samples: number[], extra: Partial<ReportedView> = {}) => ({
  transport,
  enabled: true,
  latency: summarizeLatencies(samples),
  messages: samples.length,
  gaps: 0,
  ...extra,
});

describe('the class report', () => {
  it('carries p50, p95, p99, messages and gaps per measured transport', () => {
    const report = classReportFor('page-1', [
      view('sse', [1, 2, 3, 4, 100]),
      view('websocket', [2.3456, 2.3456], { gaps: 1 }),
    ]);
    expect(report).toEqual({
      page: 'page-1',
      transports: {
        sse: { p50: 3, p95: 100, p99: 100, messages: 5, gaps: 0 },
        websocket: { p50: 2.35, p95: 2.35, p99: 2.35, messages: 2, gaps: 1 },
      },
    });
  });

  it('leaves out transports switched off or with no latency yet', () => {
    const report = classReportFor('page-2', [view('short-poll', []), view('long-poll', [5], { enabled: false })]);
    expect(report.transports).toEqual({});
  });

  it("carries the page's own setting of each transport's client, and none for a transport without one", () => {
    const report = classReportFor('page-3', [view('short-poll', [300]), view('sse', [3])], (t) =>
      t === 'short-poll' ? 250 : null,
    );
    expect(report.transports['short-poll']?.settingMs).toBe(250);
    expect(report.transports.sse).not.toHaveProperty('settingMs');
  });
});
