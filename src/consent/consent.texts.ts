/**
 * What a person agrees to, in the words they were shown. A changed wording gets a new version;
 * consent given to an older version stays recorded as given to that one.
 */
export const consentTexts = {
  health_data: {
    // 2026-12-06: says that withdrawing ends the memberships (it did not say so before).
    version: '2026-12-06',
    ja: {
      title: '健康に関する情報の保存',
      text: 'あなたが入力する病名・診断、参加するグループ、質問票への回答を Tomoni に保存し、あなたが参加するグループの運営者に見せることに同意します。これらは「要配慮個人情報」です。同意はいつでも取り消せます。取り消すと、新しい情報は保存されなくなり、参加中のグループからは退会となり、新たにグループに参加することもできなくなります。',
    },
    en: {
      title: 'Keeping information about your health',
      text: 'I agree that Tomoni keeps the conditions and diagnoses I enter, the groups I join and my answers to questionnaires, and shows them to the people who run the groups I join. This is sensitive health information. I can withdraw this consent at any time; Tomoni then stops keeping new information, my group memberships end, and I can no longer join groups.',
    },
  },
  contact_by_organisation: {
    version: '2026-11-22',
    ja: {
      title: '団体からの連絡',
      text: 'わたしが参加するグループの運営団体が、イベントや会合のお知らせをメールで送ることに同意します。同意はいつでも取り消せます。',
    },
    en: {
      title: 'News from organisations',
      text: 'I agree that the organisations running the groups I join may send me news of events and meetings by e-mail. I can withdraw this consent at any time.',
    },
  },
} as const

export type ConsentPurpose = keyof typeof consentTexts
export const consentPurposes = Object.keys(consentTexts) as [ConsentPurpose, ...ConsentPurpose[]]
