/**
 * The class view's module against a real lab: every page reports, the
 * teacher's page reads; two reporting pages make a class of two, a
 * student's page never reads, and a lab without the class view (404) stops
 * the rounds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClassReport } from '../../protocol/class-report.ts';
import { type RunningLab, startLab } from '../../test/support/lab-server.ts';
import { ClassViewPoll } from './class-view-poll.ts';
import { LabApi } from './lab-api.ts';

const TOKEN = 'teacher-secret';
let lab: RunningLab | null = null;
afterEach(async () => {
  await lab?.close();
  lab = null;
});

function report(page: string, p50: number): ClassReport {
  return { page, transports: { sse: { p50, p95: p50 * 2, p99: p50 * 3, messages: 10, gaps: 0 } } };
}

describe('ClassViewPoll', () => {
  it('two reporting pages: the teacher’s view counts two, with the spread of their figures', async () => {
    lab = await startLab({ teacherToken: TOKEN });
    const student = new ClassViewPoll(new LabApi(`${lab.url}/`));
    const teacher = new ClassViewPoll(new LabApi(`${lab.url}/`, TOKEN));
    await student.round(report('page-student', 40));
    await teacher.round(report('page-teacher', 10));
    expect(teacher.view?.browsers).toBe(2);
    expect(teacher.view?.transports.sse?.browsers).toBe(2);
    expect(teacher.view?.transports.sse?.p50).toMatchObject({ min: 10, max: 40 });
    // The student's page reports but does not read.
    await student.round(report('page-student', 40));
    expect(student.view).toBeNull();
    expect(student.supported).toBe(true);
  });

  it('a lab without the class view (404): unsupported, and the next round asks nothing', async () => {
    lab = await startLab({ teacherToken: TOKEN });
    const older = new ClassViewPoll(new LabApi(`${lab.url}/no-class-view/`, TOKEN));
    await older.round(report('page-older', 10));
    expect(older.supported).toBe(false);
    expect(older.view).toBeNull();
    // The real lab never heard of that page.
    const teacher = new ClassViewPoll(new LabApi(`${lab.url}/`, TOKEN));
    await teacher.round(report('page-teacher', 10));
    expect(teacher.view?.browsers).toBe(1);
  });
});
