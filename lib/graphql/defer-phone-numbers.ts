import { deferPackages } from '../loading/defer-packages.js';

/**
 * class-validator requires libphonenumber-js with its largest metadata as it loads, for its
 * `IsPhoneNumber` rule alone; no input here uses that rule (member's profile.service.ts checks
 * phone numbers itself), so it loads only if one ever does (deferPackages): some 70 modules less at
 * every start. Import this module before 'class-validator'; when something loaded class-validator
 * first, it changes nothing.
 */
export const deferredPhoneNumberPackages: string[] = deferPackages('class-validator', ['libphonenumber-js/max']);
