/**
 * N lab processes sharing one feed through Redis, each on its own free
 * loopback port (`server/main.ts --redis …`), each its own process so each
 * can be killed alone (failover) and its CPU measured alone (scale).
 */
import { prebuildDashboard, type ServerProcess, startServerProcess } from '../load/server-process.ts';

export interface LabInstance extends ServerProcess {
  /** `lab-1`, `lab-2`, … (its `--instance-name`) */
  name: string;
  port: number;
}

export interface LabInstancesOptions {
  /** How many labs. */
  instances: number;
  /** The shared Redis, e.g. `redis://127.0.0.1:40123`. */
  redisUrl: string;
  /** Flags every lab gets as well (e.g. `--rate 50`). */
  extraArgs?: string[];
  /** `first`: only `lab-1` runs the generator (the others serve and publish); `none`: no lab does. Default first. */
  generator?: 'first' | 'none';
}

/** Starts the labs one after another (each builds nothing: the dashboard is built once first). */
export async function startLabInstances(options: LabInstancesOptions): Promise<LabInstance[]> {
  await prebuildDashboard();
  const started: LabInstance[] = [];
  try {
    for (let i = 1; i <= options.instances; i++) {
      const name = `lab-${i}`;
      const generator = i === 1 && options.generator !== 'none' ? [] : ['--no-generator'];
      const args = ['--port', '0', '--conditioner-port', 'off', '--redis', options.redisUrl];
      const server = await startServerProcess('server/main.ts', [
        ...args,
        '--instance-name',
        name,
        ...generator,
        ...(options.extraArgs ?? []),
      ]);
      started.push({ ...server, name, port: Number(new URL(server.url).port) });
    }
  } catch (error) {
    await Promise.all(started.map((each) => each.stop()));
    throw error;
  }
  return started;
}
