// The contract's vocabularies. The migration's check constraints repeat them as the last line of
// defence; groups.schema.ts validates input against them, and search reads them without loading
// a validation library.
export const organisationKinds = [
  'foundation',
  'patient_advocacy',
  'hospital',
  'umbrella',
  'other',
] as const
export const groupTypes = [
  'disease_specific',
  'regional',
  'online',
  'hospital',
  'family',
  'bereaved',
  'international',
] as const
export const audiences = [
  'patients',
  'parents',
  'family',
  'siblings',
  'bereaved',
  'young_people',
  'children',
] as const
export const leaderships = ['peer', 'professional'] as const
export const activities = [
  'information_sharing',
  'lectures',
  'peer_support',
  'advocacy',
  'fundraising',
  'social',
] as const
/** Messaging apps a group may meet in; each also counts as `chat`, the contract's code for all. */
export const chatApps = [
  'line',
  'whatsapp',
  'messenger',
  'telegram',
  'signal',
  'discord',
  'slack',
  'kakaotalk',
] as const
export const channels = [
  'in_person',
  'video',
  'phone',
  'chat',
  'forum',
  'mailing_list',
  'newsletter',
  ...chatApps,
] as const
export type Channel = (typeof channels)[number]
/** What a cost option is paid for: each meeting, a year, a month, or once. */
export const feePeriods = ['per_meeting', 'annual', 'monthly', 'one_off'] as const
export const accessibilityFeatures = [
  'wheelchair',
  'captions',
  'sign_language',
  'childcare',
  'infection_control',
  'hearing_loop',
  'quiet_space',
] as const
export const independenceKinds = ['independent', 'hospital_sponsored', 'organisation_run'] as const
export const groupStatuses = ['active', 'paused', 'closed'] as const
export const attendanceModes = ['in_person', 'online', 'hybrid'] as const
export const sources = ['hsds_import', 'tomoni', 'public_register'] as const

export type GroupType = (typeof groupTypes)[number]
export type Audience = (typeof audiences)[number]
export type Attendance = (typeof attendanceModes)[number]

/** Systems a condition code may come from, as the contract prefixes them. */
export const conditionCodePattern = /^(NANDO|MONDO|ORPHA|ICD10|ICD10CM|DOID|TOMONI):[A-Z0-9._-]+$/
