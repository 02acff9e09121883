import { SUBJECT_PREFIX } from '../contract';

/**
 * Every process of one deployment answers on this subject (no queue group: all of them reply)
 * with the settings that must be equal everywhere, so each one can find a peer that differs.
 */
export const SHARED_SETTINGS_SUBJECT = `${SUBJECT_PREFIX}.ops.shared-settings`;

/** Settings whose difference between processes silently breaks tokens (an `iss` the others reject). */
export const SHARED_SETTING_NAMES = ['ARGUS_ISSUER'] as const;

export type SharedSettingName = (typeof SHARED_SETTING_NAMES)[number];

export interface SharedSettingsReply {
  /** `<app>@<host>:<pid>`, to name the peer in the readiness message. */
  process: string;
  settings: Record<SharedSettingName, string>;
}
