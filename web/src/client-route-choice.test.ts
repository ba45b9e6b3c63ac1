/** The clients go through the conditioner when one runs and this page can reach it; otherwise straight to the lab. */
import { describe, expect, it } from 'vitest';
import { chooseClientRoute, conditionerBaseUrl } from './client-route.ts';

describe('the clients’ route', () => {
  it('puts the conditioner’s port on the page’s host name, at the root', () => {
    expect(conditionerBaseUrl('http://127.0.0.1:3400/', 3401)).toBe('http://127.0.0.1:3401/');
    expect(conditionerBaseUrl('http://localhost:3000/?presenter=1#x', 3001)).toBe('http://localhost:3001/');
    expect(conditionerBaseUrl('http://[::1]:3000/', 3001)).toBe('http://[::1]:3001/');
    expect(conditionerBaseUrl('http://192.168.1.20:3000/lab/', 3001)).toBe('http://192.168.1.20:3001/');
  });

  it('goes through the conditioner when the probe answers', async () => {
    const probed: string[] = [];
    const route = await chooseClientRoute('http://127.0.0.1:3400/', 3401, async (base) => {
      probed.push(base);
      return true;
    });
    expect(probed).toEqual(['http://127.0.0.1:3401/']);
    expect(route).toEqual({ via: 'conditioner', baseUrl: 'http://127.0.0.1:3401/', conditionerPort: 3401, note: null });
  });

  it('goes direct, without probing, when the lab runs no conditioner', async () => {
    const route = await chooseClientRoute('http://127.0.0.1:3400/', null, () => {
      throw new Error('must not probe');
    });
    expect(route).toEqual({ via: 'direct', baseUrl: 'http://127.0.0.1:3400/', conditionerPort: null, note: null });
  });

  it('goes direct, and says why, when the conditioner cannot be reached from this page', async () => {
    for (const probe of [async () => false, async () => Promise.reject(new TypeError('Failed to fetch'))]) {
      const route = await chooseClientRoute('http://127.0.0.1:5173/', 3001, probe);
      expect(route.via).toBe('direct');
      expect(route.baseUrl).toBe('http://127.0.0.1:5173/');
      expect(route.conditionerPort).toBe(3001);
      expect(route.note).toContain('3001');
    }
  });
});
