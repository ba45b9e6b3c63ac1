/**
 * "TCP delivers everything in order": all four transports under jitter and
 * three drop-alls of every connection. Within a connection TCP keeps order;
 * across the cuts, order and completeness come from the lab's resume by seq.
 */
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import { feedRun, type Lesson, transportIn } from './lesson.ts';

const DROP_TIMES_S = [3, 6, 9];

export const tcpDeliversInOrder = {
  id: 'tcp-delivers-in-order',
  claim: 'TCP delivers everything in order',
  does: `Runs all four transports for 12 s at 20 events/s over a 40 ms round trip with 30 ms jitter, cuts every connection at ${DROP_TIMES_S.join(', ')} s, and checks every delivered seq.`,
  prediction: {
    question: 'After three cuts of every connection, what do the clients see?',
    choices: [
      { id: 'in-order-complete', text: 'Every event, in order' },
      { id: 'lost', text: 'Gaps: the events in flight are lost' },
      { id: 'reordered', text: 'Events out of order' },
    ],
  },
  plan: [
    {
      kind: 'feed',
      label: 'stock-ticker at 20 events/s, RTT 40 ms ± 30 ms jitter, 3 drop-alls',
      feed: { scenario: 'stock-ticker', ratePerSecond: 20 },
      network: { profile: 'custom', rttMs: 40, jitterMs: 30 },
      transports: [...TRANSPORT_NAMES],
      client: { shortPollIntervalMs: 250 },
      faults: DROP_TIMES_S.map((atS) => ({ atS, action: 'drop-all' as const })),
      durationS: 12,
    },
  ],
  judge(measurements) {
    const run = feedRun(measurements, 0);
    const measured: Record<string, number | boolean> = {};
    let inOrder = true;
    let complete = true;
    let reconnects = 0;
    for (const transport of TRANSPORT_NAMES) {
      const t = transportIn(run, transport);
      measured[`${transport}InOrder`] = t.seqStrictlyIncreasing;
      measured[`${transport}Lost`] = t.lost;
      measured[`${transport}Delivered`] = t.whole.messages;
      measured[`${transport}Reconnects`] = t.reconnects;
      measured[`${transport}Duplicates`] = t.duplicates;
      inOrder &&= t.seqStrictlyIncreasing;
      complete &&= t.lost === 0;
      reconnects += t.reconnects;
    }
    measured.drops = run.faults;
    const verdict = !inOrder || !complete ? 'does-not-hold' : reconnects > 0 ? 'holds-if' : 'holds';
    return {
      verdict,
      ...(verdict === 'holds-if'
        ? {
            condition: `it means within one connection: the ${run.faults} cuts forced ${reconnects} reconnects, and the events in flight arrived only because each client resumed by seq (the lab's replay), not because of TCP`,
          }
        : {}),
      rightChoice: !inOrder ? 'reordered' : !complete ? 'lost' : 'in-order-complete',
      measured,
      theory: { lost: 0, inOrder: true },
      sentence: `${TRANSPORT_NAMES.map(
        (t) =>
          `${t}: ${measured[`${t}Delivered`]} delivered, ${measured[`${t}Lost`]} lost, ${measured[`${t}InOrder`] ? 'in order' : 'OUT OF ORDER'}, ${measured[`${t}Reconnects`]} reconnects`,
      ).join('; ')}, after ${run.faults} drop-alls.`,
    };
  },
  tryIt:
    "npm run chaos (100 drop-alls at 50 events/s), or in the dashboard press the drop-all fault: gaps stay 0 while 'reconnects' grows",
} satisfies Lesson;
