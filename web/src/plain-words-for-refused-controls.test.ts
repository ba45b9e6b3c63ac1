/** A refused control action is said in plain words: a 401 tells a student what is going on. */
import { describe, expect, it } from 'vitest';
import { LabApiError } from '../../protocol/lab-api-error.ts';
import { plainControlError } from './control-error.ts';

const unauthorized = new LabApiError(401, 'LAB_ERR_UNAUTHORIZED', 'this control action needs the teacher token');

describe('refused controls in plain words', () => {
  it('a 401 on a student’s page says only the teacher may change it', () => {
    const error = plainControlError(unauthorized, false);
    expect(error.message).toMatch(/^Only the teacher can change this/);
    expect(error.message).not.toContain('LAB_ERR');
  });

  it('a 401 on a page that holds a token says the token was not accepted', () => {
    expect(plainControlError(unauthorized, true).message).toContain('did not accept this page’s teacher token');
  });

  it('other coded errors keep their code and the lab’s hint', () => {
    const error = plainControlError(new LabApiError(400, 'LAB_ERR_BAD_NETWORK', '"rttMs" must be …', 'send …'), true);
    expect(error).toEqual({ message: 'LAB_ERR_BAD_NETWORK: "rttMs" must be …', hint: 'send …' });
  });

  it('a network failure says the lab did not answer', () => {
    expect(plainControlError(new TypeError('Failed to fetch'), false).message).toBe('The lab did not answer.');
  });
});
