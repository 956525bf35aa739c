import { describe, expect, it } from 'vitest';
import { issueRefusal, newVerificationCode } from './issue-limits.js';

const limits = {
  ttlSeconds: 600,
  resendCooldownSeconds: 60,
  dailyLimitPerMember: 10,
  dailyLimitPerTarget: 5,
  maxAttempts: 5,
};
const now = new Date('2026-12-05T00:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe('issue limits shared by member and identity', () => {
  it('allows a first message and one after the cooldown', () => {
    expect(
      issueRefusal({ latestAt: undefined, lastDayForMember: 0, lastDayForTarget: 0 }, limits, now),
    ).toBeUndefined();
    expect(issueRefusal({ latestAt: ago(60), lastDayForMember: 1, lastDayForTarget: 1 }, limits, now)).toBeUndefined();
  });

  it('refuses within the cooldown, saying how long to wait', () => {
    const refusal = issueRefusal({ latestAt: ago(15), lastDayForMember: 1, lastDayForTarget: 1 }, limits, now);
    expect(refusal).toMatchObject({ code: 'OTP_COOLDOWN', details: { retryAfterSeconds: 45 } });
  });

  it('refuses once the member or the address had its day, naming which', () => {
    const member = issueRefusal({ latestAt: ago(3600), lastDayForMember: 10, lastDayForTarget: 0 }, limits, now);
    expect(member).toMatchObject({ code: 'OTP_DAILY_LIMIT', message: expect.stringContaining('member') as unknown });
    const target = issueRefusal({ latestAt: ago(3600), lastDayForMember: 0, lastDayForTarget: 5 }, limits, now);
    expect(target).toMatchObject({ code: 'OTP_DAILY_LIMIT', message: expect.stringContaining('address') as unknown });
  });

  it('makes 6-digit codes, leading zeros kept', () => {
    const codes = Array.from({ length: 200 }, () => newVerificationCode());
    expect(codes.every((code) => /^\d{6}$/.test(code))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(190);
  });
});
