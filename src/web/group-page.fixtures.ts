/** A group with every fact filled in, for the page's tests and the browser test. */
import type { GroupInputRaw, OrganisationInputRaw } from '#src/directory/groups.schema.ts'

export const fixtureOrganisation: OrganisationInputRaw = {
  id: 'org-chiba-parents',
  kind: 'patient_advocacy',
  name: {
    original: 'ja',
    ja: 'ちば小児がん親の会',
    en: 'Chiba Childhood Cancer Parents’ Association',
  },
  description: {
    original: 'ja',
    ja: '千葉県で小児がんの子どもを育てる親どうしが支え合う会です。',
    en: 'Parents raising a child with cancer in Chiba Prefecture, supporting one another.',
  },
  url: 'https://chiba-parents.example.jp/',
  email: 'info@chiba-parents.example.jp',
}

/** Children's ids follow the group's, so that several variants can live side by side. */
export const fixtureGroup = (over: Partial<GroupInputRaw> = {}): GroupInputRaw => {
  const id = over.id ?? 'grp-chiba-parents'
  const child = (name: string) => (id === 'grp-chiba-parents' ? name : `${id}-${name}`)
  return {
    id,
    organisation_id: 'org-chiba-parents',
    name: {
      original: 'ja',
      ja: 'ちば小児がん親の会 おしゃべり会',
      en: 'Chiba childhood cancer parents’ circle',
    },
    description: {
      original: 'ja',
      ja: '小児がんの治療中・治療後のお子さんをもつ親が、毎月集まって話をする会です。\n\n初めての方も、話を聞くだけでも大丈夫です。',
      en: 'Parents of children who are being treated for cancer, or have been, meet every month to talk.\n\nNewcomers are welcome, and you can just listen.',
    },
    url: 'https://chiba-parents.example.jp/circle',
    email: 'circle@chiba-parents.example.jp',
    phone: '043-000-0000',
    types: ['disease_specific', 'regional', 'family'],
    leadership: 'peer',
    audience: ['parents', 'siblings'],
    conditions: ['TOMONI:CHILDHOOD-CANCER', 'DOID:1240'],
    activities: ['peer_support', 'information_sharing', 'lectures', 'social'],
    participation: {
      diagnosis_required: true,
      observers_welcome: true,
      text: {
        original: 'ja',
        ja: 'お子さんが小児がんと診断された親御さんが対象です。',
        en: 'For parents whose child has been diagnosed with cancer.',
      },
    },
    fees: {
      options: [
        {
          id: child('fee-annual'),
          option: { original: 'ja', ja: '年会費', en: 'Membership' },
          amount: 3000,
          currency: 'JPY',
          period: 'annual',
          amount_description: { original: 'ja', ja: '1家族につき', en: 'per family' },
          waiver: true,
          waiver_text: {
            original: 'ja',
            ja: '経済的な事情のある方は免除できます',
            en: 'Families in financial difficulty need not pay.',
          },
        },
        // Written without a language mark: taken to be in the group's language.
        {
          id: child('fee-materials'),
          option: '資料代',
          amount: 300,
          currency: 'JPY',
          period: 'per_meeting',
        },
      ],
      description: {
        original: 'ja',
        ja: '見学は無料です。',
        en: 'Coming to watch is free.',
      },
    },
    languages: ['ja', 'en'],
    channels: ['in_person', 'video', 'line', 'newsletter'],
    channel_links: {
      line: 'https://line.me/ti/g/example-chiba-parents',
      newsletter: 'https://chiba-parents.example.jp/newsletter',
    },
    accessibility: ['wheelchair', 'childcare', 'infection_control'],
    independence: 'independent',
    industry_funding_pct: 0,
    funding: {
      original: 'ja',
      ja: '会費と個人からの寄付で運営しています。',
      en: 'Membership fees and gifts from individuals.',
    },
    medical_advisers: {
      original: 'ja',
      ja: '小児科医2名が助言しています（治療の勧誘はしません）。',
    },
    evidence_policy: {
      original: 'ja',
      ja: '治療についての情報は、主治医と相談するようお伝えしています。',
      en: 'We ask members to discuss any treatment information with their own doctors.',
    },
    capacity: 20,
    locations: [
      {
        id: child('loc-chiba-hall'),
        kind: 'physical',
        name: {
          original: 'ja',
          ja: '市民活動センター 会議室',
          en: 'Civic Activity Centre, meeting room',
        },
        lat: 35.6073,
        lon: 140.1063,
        address: {
          address_1: '中央港1-1-1',
          city: '千葉市中央区',
          region: '千葉県',
          postal_code: '260-0024',
          country: 'JP',
        },
        visibility: 'members',
      },
      {
        id: child('loc-chiba-online'),
        kind: 'virtual',
        url: 'https://meet.example.org/chiba-parents',
        visibility: 'members',
      },
    ],
    service_areas: [{ id: child('area-chiba'), place: 'JP-12' }],
    schedules: [
      {
        id: child('sch-chiba'),
        rrule: 'FREQ=MONTHLY;BYDAY=2SA',
        dtstart: '2026-01-10',
        timezone: 'Asia/Tokyo',
        opens_at: '14:00',
        closes_at: '16:00',
        exdates: ['2027-01-09'],
        description: { original: 'ja', ja: '午後の部は自由参加です。' },
      },
    ],
    ...over,
  }
}
