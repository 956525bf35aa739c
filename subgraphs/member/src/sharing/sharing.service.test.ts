import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../lib/errors/index.js';
import { MemberProfile } from '../profile/member-profile.entity.js';
import { SharingPreferencesType } from './sharing-preferences.types.js';
import { validateSharingUpdate } from './sharing.service.js';

describe('validateSharingUpdate', () => {
  it('keeps only the preferences present', () => {
    expect(validateSharingUpdate({})).toEqual({});
    expect(validateSharingUpdate({ shareGender: true, sharePhone: false, shareName: undefined })).toEqual({
      shareGender: true,
      sharePhone: false,
    });
  });

  it('refuses null, naming every such preference, since null is not a choice', () => {
    let thrown: unknown;
    try {
      validateSharingUpdate({ shareEmail: null, shareGender: true, singleSignOn: null });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('VALIDATION_FAILED');
    expect((thrown as AppError).details['fields']).toEqual([
      { field: 'singleSignOn', message: 'must be true or false' },
      { field: 'shareEmail', message: 'must be true or false' },
    ]);
  });

  it('a new profile starts with seed 004 documented defaults', () => {
    const fresh = Object.assign(new MemberProfile(), { userId: 'u', tenantId: 't' });
    expect({ ...SharingPreferencesType.from(fresh) }).toEqual({
      singleSignOn: true,
      shareName: true,
      shareGender: false,
      shareBirthDate: false,
      shareEmail: true,
      sharePhone: false,
    });
  });
});
