/**
 * The network panel's module against a real lab with a conditioner: a
 * profile change and a fault come back as the state the panel shows, a
 * change of shaping runs the store's hook (which resets the short-poll round
 * trips), and a classroom lab refuses a page without the teacher's token in
 * plain words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningLab, startLab } from '../../test/support/lab-server.ts';
import { LabApi } from './lab-api.ts';
import { NetworkControl } from './network-control.ts';

let lab: RunningLab | null = null;
afterEach(async () => {
  await lab?.close();
  lab = null;
});

function control(api: LabApi) {
  const calls = { changed: 0, shapeChanges: 0 };
  const network = new NetworkControl(api, {
    changed: () => calls.changed++,
    onShapeChange: () => calls.shapeChanges++,
  });
  return { network, calls };
}

describe('NetworkControl', () => {
  it('changes to 3g: the state says 3g and the shape-change hook ran once', async () => {
    lab = await startLab({ conditionerPort: 0 });
    const port = await lab.app.conditioner.ready();
    const { network, calls } = control(new LabApi(`${lab.url}/`));
    await network.loadProfiles();
    expect(network.profiles.map((p) => p.id)).toContain('3g');
    await network.refresh();
    expect(network.state?.profile).toBe('none');
    expect(network.state?.port).toBe(port);
    expect(calls.shapeChanges).toBe(0); // the first state has nothing to differ from

    await network.change({ profile: '3g' });
    const threeG = network.profiles.find((p) => p.id === '3g');
    expect(network.state?.profile).toBe('3g');
    expect(network.state?.rttMs).toBe(threeG?.rttMs);
    expect(network.error).toBeNull();
    expect(calls).toEqual({ changed: 1, shapeChanges: 1 });

    // The same state read again is no change of shape, and keeps the same object (no redraw).
    const before = network.state;
    await network.refresh();
    expect(network.state).toBe(before);
    expect(calls.shapeChanges).toBe(1);
  });

  it('a fault comes back in the state; calm clears it', async () => {
    lab = await startLab({ conditionerPort: 0 });
    await lab.app.conditioner.ready();
    const { network, calls } = control(new LabApi(`${lab.url}/`));
    await network.fault({ action: 'chaos', everySeconds: 5 });
    expect(network.state?.faults.chaosEverySeconds).toBe(5);
    await network.fault({ action: 'calm' });
    expect(network.state?.faults.chaosEverySeconds).toBeNull();
    expect(calls.changed).toBe(2);
  });

  it('a classroom lab refuses a page without the token, in plain words, and dismissing clears it', async () => {
    lab = await startLab({ conditionerPort: 0, teacherToken: 'teacher-secret' });
    await lab.app.conditioner.ready();
    const { network, calls } = control(new LabApi(`${lab.url}/`));
    await network.refresh();
    await network.change({ profile: '3g' });
    expect(network.error?.message).toBe('Only the teacher can change this: the lab runs in classroom mode.');
    expect(network.error?.hint).toMatch(/ask the teacher/);
    expect(network.state?.profile).toBe('none');
    expect(calls.shapeChanges).toBe(0);
    network.dismissError();
    expect(network.error).toBeNull();
    expect(calls.changed).toBe(2);

    // The teacher's page, with the token, may.
    const teacher = control(new LabApi(`${lab.url}/`, 'teacher-secret'));
    await teacher.network.change({ profile: '3g' });
    expect(teacher.network.error).toBeNull();
    expect(teacher.network.state?.profile).toBe('3g');
  });

  it('a lab without a conditioner API: read() throws (the route goes direct), refresh() keeps null', async () => {
    lab = await startLab();
    // A path the lab has no routes under answers as an older lab would: 404 LAB_ERR_NOT_FOUND.
    const { network } = control(new LabApi(`${lab.url}/no-such-prefix/`));
    await expect(network.read()).rejects.toMatchObject({ status: 404, code: 'LAB_ERR_NOT_FOUND' });
    await network.refresh();
    await network.loadProfiles();
    expect(network.state).toBeNull();
    expect(network.profiles).toEqual([]);
  });
});
