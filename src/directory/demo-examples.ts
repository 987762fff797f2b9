/**
 * Example Japanese groups for the demo directory. No open data set of Japanese patient groups
 * exists (see ../shared/data/README.md), so these are made up, and say so: every name carries
 * （例）, every description begins by saying it is an example, and every address and link is an
 * example one. Together they cover each kind of group the seed documents name: disease-specific,
 * regional, online, hospital-sponsored, family and bereaved-family, international; peer-led and
 * professionally facilitated; and a national organisation with chapters.
 */
import type { GroupInputRaw, OrganisationInputRaw } from './groups.schema.ts'

const notice = {
  ja: '※これは Tomoni のデモ用に作った例です。実在するグループではありません。',
  en: 'This is a made-up example for Tomoni’s demo; it is not a real group.',
}

type Text = { original: string } & Record<string, string>

const text = (ja: string, en?: string): Text =>
  en ? { original: 'ja', ja, en } : { original: 'ja', ja }
const described = (ja: string, en?: string) =>
  text(`${notice.ja}\n\n${ja}`, en === undefined ? undefined : `${notice.en}\n\n${en}`)

export const exampleOrganisations: (OrganisationInputRaw & { id: string })[] = [
  {
    id: 'example-org-nanbyo-network',
    kind: 'umbrella',
    name: text('（例）日本サンプル難病ネットワーク', '(Example) Japan Sample Rare Disease Network'),
    description: described(
      '難病の患者会・家族会が集まる全国組織の例です。各地の支部が、交流会や相談会を開いています。',
      'An example of a national alliance of patient and family groups for rare and intractable diseases. Its regional chapters hold meetings and advice sessions.',
    ),
    url: 'https://nanbyo-network.example.jp/',
    email: 'office@nanbyo-network.example.jp',
  },
  {
    id: 'example-org-nanbyo-shizuoka',
    kind: 'patient_advocacy',
    parent_id: 'example-org-nanbyo-network',
    name: text(
      '（例）サンプル難病ネットワーク 静岡支部',
      '(Example) Sample Rare Disease Network, Shizuoka chapter',
    ),
    description: described('静岡県内の難病の患者・家族の交流と相談の場の例です。'),
    url: 'https://nanbyo-network.example.jp/shizuoka/',
    email: 'shizuoka@nanbyo-network.example.jp',
  },
  {
    id: 'example-org-nanbyo-kanagawa',
    kind: 'patient_advocacy',
    parent_id: 'example-org-nanbyo-network',
    name: text(
      '（例）サンプル難病ネットワーク 神奈川支部',
      '(Example) Sample Rare Disease Network, Kanagawa chapter',
    ),
    description: described('神奈川県内の難病の患者・家族の会の例です。'),
    url: 'https://nanbyo-network.example.jp/kanagawa/',
    email: 'kanagawa@nanbyo-network.example.jp',
  },
  {
    id: 'example-org-chiba-parents',
    kind: 'patient_advocacy',
    name: text(
      '（例）ちば小児がん親の会サンプル',
      '(Example) Chiba Childhood Cancer Parents’ Sample Association',
    ),
    description: described(
      '千葉県で小児がんの子どもを育てる親どうしが支え合う会の例です。',
      'An example of an association of parents raising a child with cancer in Chiba Prefecture.',
    ),
    url: 'https://chiba-parents.example.jp/',
    email: 'info@chiba-parents.example.jp',
  },
  {
    id: 'example-org-sample-hospital',
    kind: 'hospital',
    name: text('（例）サンプル大学病院', '(Example) Sample University Hospital'),
    description: described('小児病棟のある大学病院の例です。'),
    url: 'https://hospital.example.jp/',
  },
  {
    id: 'example-org-online',
    kind: 'patient_advocacy',
    name: text('（例）オンライン患者会サンプル'),
    description: described('オンラインで活動する患者会の例です。'),
    url: 'https://online-peers.example.jp/',
    email: 'hello@online-peers.example.jp',
  },
  {
    id: 'example-org-grief',
    kind: 'patient_advocacy',
    name: text('（例）グリーフサポートの会サンプル', '(Example) Sample Grief Support Association'),
    description: described(
      '病気で家族を亡くした人のための会の例です。',
      'An example of an association for people who have lost a family member to illness.',
    ),
    email: 'wakachiai@grief.example.jp',
  },
  {
    id: 'example-org-asia-rare',
    kind: 'umbrella',
    name: {
      original: 'en',
      en: '(Example) Asia Rare Disease Sample Network',
      ja: '（例）アジア希少疾患サンプルネットワーク',
    },
    description: {
      original: 'en',
      en: `${notice.en}\n\nAn example of an international network of rare-disease family organisations in Asia.`,
      ja: `${notice.ja}\n\nアジアの希少疾患の家族会をつなぐ国際ネットワークの例です。`,
    },
    url: 'https://asia-rare.example.org/',
    email: 'contact@asia-rare.example.org',
  },
  {
    id: 'example-org-psycho-oncology',
    kind: 'foundation',
    name: text(
      '（例）サンプルこころのケア財団',
      '(Example) Sample Foundation for Psychological Care',
    ),
    description: described(
      'がん患者の心のケアに取り組む財団の例です。',
      'An example of a foundation that provides psychological care for people with cancer.',
    ),
    url: 'https://kokoro-care.example.jp/',
    email: 'program@kokoro-care.example.jp',
  },
]

const tokyo = 'Asia/Tokyo'

export const exampleGroups: (GroupInputRaw & { id: string })[] = [
  {
    // Disease-specific, regional, peer-led; in person, public venue.
    id: 'example-grp-uc-shizuoka',
    organisation_id: 'example-org-nanbyo-shizuoka',
    name: text(
      '（例）潰瘍性大腸炎 患者交流会 しずおか',
      '(Example) Ulcerative colitis patients’ meeting, Shizuoka',
    ),
    description: described(
      '潰瘍性大腸炎の患者が、食事や仕事、治療との付き合い方を話し合う交流会の例です。年に2回、消化器内科の医師を招いた勉強会も開きます。',
      'An example of a meeting where people with ulcerative colitis talk about food, work and living with treatment. Twice a year a gastroenterologist gives a talk.',
    ),
    email: 'shizuoka@nanbyo-network.example.jp',
    url: 'https://nanbyo-network.example.jp/shizuoka/uc',
    types: ['disease_specific', 'regional'],
    leadership: 'peer',
    audience: ['patients', 'family'],
    conditions: ['NANDO:1200449'],
    activities: ['peer_support', 'information_sharing', 'lectures'],
    participation: { diagnosis_required: false, observers_welcome: true },
    fees: {
      options: [
        {
          id: 'example-grp-uc-shizuoka.fee',
          option: text('参加費', 'Fee'),
          amount: 300,
          currency: 'JPY',
          period: 'per_meeting',
          amount_description: text('資料代として', 'for the handouts'),
        },
      ],
    },
    languages: ['ja'],
    channels: ['in_person', 'mailing_list'],
    accessibility: ['wheelchair'],
    independence: 'independent',
    industry_funding_pct: 0,
    locations: [
      {
        id: 'example-loc-shizuoka-centre',
        kind: 'physical',
        name: '（例）市民活動センター 会議室',
        lat: 34.9753,
        lon: 138.383,
        address: {
          address_1: '（例）追手町1-1',
          city: '静岡市葵区',
          region: '静岡県',
          country: 'JP',
        },
        visibility: 'public',
      },
    ],
    service_areas: [{ id: 'example-grp-uc-shizuoka.area', place: 'JP-22' }],
    schedules: [
      {
        id: 'example-grp-uc-shizuoka.sch',
        rrule: 'FREQ=MONTHLY;BYDAY=3SU',
        dtstart: '2026-01-18',
        timezone: tokyo,
        opens_at: '13:30',
        closes_at: '15:30',
      },
    ],
  },
  {
    // Family, regional, disease-specific; members-only place; annual fee with a waiver.
    id: 'example-grp-chiba-parents',
    organisation_id: 'example-org-chiba-parents',
    name: text(
      '（例）ちば小児がん親の会 おしゃべり会',
      '(Example) Chiba childhood cancer parents’ circle',
    ),
    description: described(
      '小児がんの治療中・治療後のお子さんをもつ親が、毎月集まって話をする会の例です。初めての方も、話を聞くだけでも大丈夫です。',
      'An example of a monthly meeting of parents whose child is being, or has been, treated for cancer. Newcomers are welcome, and you can just listen.',
    ),
    email: 'circle@chiba-parents.example.jp',
    url: 'https://chiba-parents.example.jp/circle',
    types: ['disease_specific', 'regional', 'family'],
    leadership: 'peer',
    audience: ['parents'],
    conditions: ['TOMONI:CHILDHOOD-CANCER'],
    activities: ['peer_support', 'information_sharing', 'social'],
    participation: {
      diagnosis_required: true,
      observers_welcome: true,
      text: text(
        'お子さんが小児がんと診断された親御さんが対象です。',
        'For parents whose child has been diagnosed with cancer.',
      ),
    },
    fees: {
      options: [
        {
          id: 'example-grp-chiba-parents.fee',
          option: text('年会費', 'Membership'),
          amount: 3000,
          currency: 'JPY',
          period: 'annual',
          amount_description: null,
          waiver: true,
          waiver_text: text(
            '経済的な事情のある方は免除できます。',
            'Families in financial difficulty need not pay.',
          ),
        },
      ],
      description: text('見学は無料です。', 'Coming to watch is free.'),
    },
    languages: ['ja'],
    channels: ['in_person', 'video', 'line', 'newsletter'],
    channel_links: { line: 'https://line.example.jp/chiba-parents' },
    accessibility: ['childcare', 'infection_control'],
    independence: 'independent',
    industry_funding_pct: 0,
    funding: text(
      '会費と個人からの寄付で運営しています。',
      'Membership fees and gifts from individuals.',
    ),
    capacity: 20,
    locations: [
      {
        id: 'example-loc-chiba-hall',
        kind: 'physical',
        name: '（例）市民会館 和室',
        lat: 35.6089,
        lon: 140.1247,
        address: {
          address_1: '（例）中央1-1-1',
          city: '千葉市中央区',
          region: '千葉県',
          country: 'JP',
        },
        visibility: 'members',
      },
      {
        id: 'example-loc-chiba-online',
        kind: 'virtual',
        url: 'https://meet.example.org/chiba-parents',
        visibility: 'members',
      },
    ],
    service_areas: [{ id: 'example-grp-chiba-parents.area', place: 'JP-12' }],
    schedules: [
      {
        id: 'example-grp-chiba-parents.sch',
        rrule: 'FREQ=MONTHLY;BYDAY=2SA',
        dtstart: '2026-01-10',
        timezone: tokyo,
        opens_at: '14:00',
        closes_at: '16:00',
      },
    ],
  },
  {
    // Family (siblings), children with an age range; quarterly; free.
    id: 'example-grp-chiba-siblings',
    organisation_id: 'example-org-chiba-parents',
    name: text(
      '（例）小児がん きょうだいの会',
      '(Example) Brothers and sisters of children with cancer',
    ),
    description: described(
      '病気の子どもの兄弟姉妹（きょうだい）が、遊びや工作を通して気持ちを話せる会の例です。保育士とボランティアが見守ります。',
      'An example of a group where the brothers and sisters of a sick child can play, make things and talk about how they feel, with nursery staff and volunteers.',
    ),
    email: 'kyodai@chiba-parents.example.jp',
    types: ['family', 'regional'],
    leadership: 'peer',
    audience: ['siblings', 'children'],
    min_age: 6,
    max_age: 15,
    conditions: ['TOMONI:CHILDHOOD-CANCER'],
    activities: ['peer_support', 'social'],
    participation: {
      diagnosis_required: false,
      observers_welcome: false,
      text: text('保護者の申し込みが必要です。', 'A parent signs the child up.'),
    },
    fees: { free: true, options: [] },
    languages: ['ja'],
    channels: ['in_person'],
    accessibility: ['wheelchair', 'quiet_space'],
    independence: 'independent',
    locations: [
      {
        id: 'example-loc-chiba-hall',
        kind: 'physical',
        name: '（例）市民会館 和室',
        lat: 35.6089,
        lon: 140.1247,
        address: {
          address_1: '（例）中央1-1-1',
          city: '千葉市中央区',
          region: '千葉県',
          country: 'JP',
        },
        visibility: 'members',
      },
    ],
    service_areas: [{ id: 'example-grp-chiba-siblings.area', place: 'JP-12' }],
    schedules: [
      {
        id: 'example-grp-chiba-siblings.sch',
        rrule: 'FREQ=YEARLY;BYMONTH=3,6,9,12;BYDAY=2SU',
        dtstart: '2026-03-08',
        timezone: tokyo,
        opens_at: '10:00',
        closes_at: '12:00',
      },
    ],
  },
  {
    // Hospital-sponsored, professionally facilitated.
    id: 'example-grp-hospital-salon',
    organisation_id: 'example-org-sample-hospital',
    name: text(
      '（例）サンプル大学病院 小児病棟 家族サロン',
      '(Example) Sample University Hospital children’s ward family salon',
    ),
    description: described(
      '入院中のお子さんのご家族がお茶を飲みながら話せる場の例です。病棟の看護師と医療ソーシャルワーカーが進行し、必要に応じて院内の相談窓口につなぎます。',
      'An example of a place where the families of children in hospital can talk over tea. A ward nurse and a medical social worker lead it, and can refer families to the hospital’s advice services.',
    ),
    phone: '000-0000-0000',
    types: ['hospital', 'family'],
    leadership: 'professional',
    audience: ['parents', 'family'],
    conditions: ['TOMONI:CHILDHOOD-CANCER', 'DOID:1240'],
    activities: ['peer_support', 'information_sharing'],
    participation: {
      diagnosis_required: true,
      observers_welcome: null,
      text: text('当院に入院・通院中のお子さんのご家族が対象です。'),
    },
    fees: { free: true, options: [] },
    languages: ['ja'],
    channels: ['in_person'],
    accessibility: ['wheelchair', 'infection_control'],
    independence: 'hospital_sponsored',
    industry_funding_pct: 0,
    funding: text(
      '病院の患者支援の予算で運営しています。',
      'Paid for by the hospital’s patient support budget.',
    ),
    medical_advisers: text('小児科・腫瘍科の医師が監修しています。'),
    locations: [
      {
        id: 'example-loc-hospital-room',
        kind: 'physical',
        name: '（例）サンプル大学病院 小児病棟 プレイルーム',
        address: {
          address_1: '（例）病院通り1-1',
          city: '新宿区',
          region: '東京都',
          country: 'JP',
        },
        visibility: 'public',
      },
    ],
    service_areas: [{ id: 'example-grp-hospital-salon.area', place: 'JP-13' }],
    schedules: [
      {
        id: 'example-grp-hospital-salon.sch',
        rrule: 'FREQ=WEEKLY;BYDAY=WE',
        dtstart: '2026-01-07',
        timezone: tokyo,
        opens_at: '10:00',
        closes_at: '11:30',
        exdates: ['2026-12-30'],
      },
    ],
  },
  {
    // Online, peer-led; nationwide; young people; Japanese only (no English translation).
    id: 'example-grp-online-t1d',
    organisation_id: 'example-org-online',
    name: text('（例）オンライン 1型糖尿病 ピアサポート'),
    description: described(
      '1型糖尿病とともに暮らす人が、夜にオンラインで集まって話す会の例です。学校や職場での工夫、機器の使い方などを話し合います。',
    ),
    email: 'hello@online-peers.example.jp',
    url: 'https://online-peers.example.jp/t1d',
    types: ['online', 'disease_specific'],
    leadership: 'peer',
    audience: ['patients', 'young_people'],
    min_age: 16,
    conditions: ['DOID:9744'],
    activities: ['peer_support', 'information_sharing'],
    participation: { diagnosis_required: true, observers_welcome: true },
    fees: { free: true, options: [] },
    languages: ['ja'],
    channels: ['video', 'discord', 'forum'],
    channel_links: { forum: 'https://online-peers.example.jp/t1d/forum' },
    accessibility: ['captions'],
    independence: 'independent',
    industry_funding_pct: 0,
    locations: [
      {
        id: 'example-loc-online-t1d',
        kind: 'virtual',
        url: 'https://meet.example.org/t1d',
        visibility: 'members',
      },
    ],
    service_areas: [{ id: 'example-grp-online-t1d.area', place: 'JP' }],
    schedules: [
      {
        id: 'example-grp-online-t1d.sch',
        rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TH',
        dtstart: '2026-01-08',
        timezone: tokyo,
        opens_at: '20:00',
        closes_at: '21:00',
      },
    ],
  },
  {
    // Bereaved families; screening first; observers not admitted; members-only place.
    id: 'example-grp-wakachiai',
    organisation_id: 'example-org-grief',
    name: text(
      '（例）わかちあいの会（子どもを亡くした親の会）',
      '(Example) Sharing circle for parents who have lost a child',
    ),
    description: described(
      '病気で子どもを亡くした親が、安心して気持ちを話せる会の例です。話したくないときは、聞いているだけでも構いません。',
      'An example of a circle where parents who lost a child to illness can talk safely. You do not have to speak; you can just listen.',
    ),
    email: 'wakachiai@grief.example.jp',
    types: ['bereaved', 'family'],
    leadership: 'peer',
    audience: ['bereaved', 'parents'],
    conditions: ['TOMONI:BEREAVEMENT', 'TOMONI:CHILDHOOD-CANCER'],
    activities: ['peer_support'],
    participation: {
      diagnosis_required: false,
      screening_required: true,
      observers_welcome: false,
      text: text(
        '初めての方は、参加の前に世話人と電話で少しお話しします。',
        'Before your first meeting, one of the organisers has a short phone call with you.',
      ),
    },
    fees: {
      options: [
        {
          id: 'example-grp-wakachiai.fee',
          option: text('参加費', 'Fee'),
          amount: 500,
          currency: 'JPY',
          period: 'per_meeting',
          amount_description: text('お茶代。無理のない範囲で', 'for tea; give what you can'),
        },
      ],
    },
    languages: ['ja'],
    channels: ['in_person', 'phone'],
    accessibility: ['quiet_space'],
    independence: 'independent',
    industry_funding_pct: 0,
    locations: [
      {
        id: 'example-loc-grief-room',
        kind: 'physical',
        name: '（例）地域交流センター 小会議室',
        lat: 35.6939,
        lon: 139.7036,
        address: { address_1: '（例）西新宿1-1', city: '新宿区', region: '東京都', country: 'JP' },
        visibility: 'members',
      },
    ],
    service_areas: [{ id: 'example-grp-wakachiai.area', place: 'JP-13' }],
    schedules: [
      {
        id: 'example-grp-wakachiai.sch',
        rrule: 'FREQ=MONTHLY;INTERVAL=2;BYDAY=4SA',
        dtstart: '2026-01-24',
        timezone: tokyo,
        opens_at: '13:00',
        closes_at: '15:00',
      },
    ],
  },
  {
    // International, online; written in English with a Japanese translation; several languages.
    id: 'example-grp-asia-rare-meetup',
    organisation_id: 'example-org-asia-rare',
    name: {
      original: 'en',
      en: '(Example) Asia rare disease families online meetup',
      ja: '（例）アジア希少疾患 家族オンライン交流会',
    },
    description: {
      original: 'en',
      en: `${notice.en}\n\nAn example of a monthly online meeting where families living with a rare disease in Asian countries share experiences across borders, with interpretation between English and Japanese.`,
      ja: `${notice.ja}\n\nアジア各国で希少疾患とともに暮らす家族が、国境を越えて経験を分かち合う月1回のオンライン交流会の例です。英語と日本語の通訳があります。`,
    },
    email: 'contact@asia-rare.example.org',
    url: 'https://asia-rare.example.org/meetup',
    types: ['international', 'online'],
    leadership: 'peer',
    audience: ['parents', 'family', 'patients'],
    conditions: ['TOMONI:RARE-DISEASES', 'TOMONI:UNDIAGNOSED'],
    activities: ['peer_support', 'information_sharing', 'advocacy'],
    participation: { diagnosis_required: false, observers_welcome: true },
    fees: { free: true, options: [] },
    languages: ['en', 'ja', 'ko', 'zh'],
    channels: ['video', 'forum', 'newsletter'],
    accessibility: ['captions'],
    independence: 'independent',
    industry_funding_pct: 10,
    funding: {
      original: 'en',
      en: 'Grants from two foundations; about 10% of the budget comes from an unrestricted grant by a pharmaceutical company, which has no say in the programme.',
      ja: '2つの財団の助成金で運営しています。予算の約10%は製薬企業1社からの使途を限定しない助成で、企業は内容に関与しません。',
    },
    evidence_policy: {
      original: 'en',
      en: 'We share information from peer-reviewed sources and patient organisations, and never recommend treatments.',
      ja: '査読を経た情報源や患者団体の情報を共有し、特定の治療を勧めることはしません。',
    },
    locations: [
      {
        id: 'example-loc-asia-rare-online',
        kind: 'virtual',
        url: 'https://meet.example.org/asia-rare',
        visibility: 'members',
      },
    ],
    service_areas: [{ id: 'example-grp-asia-rare-meetup.area', place: 'worldwide' }],
    schedules: [
      {
        id: 'example-grp-asia-rare-meetup.sch',
        rrule: 'FREQ=MONTHLY;BYDAY=-1SU',
        dtstart: '2026-01-25',
        timezone: tokyo,
        opens_at: '11:00',
        closes_at: '12:30',
      },
    ],
  },
  {
    // Professionally facilitated programme: referral and screening, a cohort of eight sessions.
    id: 'example-grp-breast-psychoeducation',
    organisation_id: 'example-org-psycho-oncology',
    name: text(
      '（例）乳がん 心理教育プログラム（全8回）',
      '(Example) Breast cancer psycho-educational programme (8 sessions)',
    ),
    description: described(
      '乳がんの治療を受けた人のための、臨床心理士とがん看護専門看護師が進行する全8回のプログラムの例です。毎回テーマ（不安との付き合い方、再発の心配、家族との話し方など）と目標があります。',
      'An example of an eight-session programme for people treated for breast cancer, led by a clinical psychologist and an oncology nurse specialist. Each session has a theme (living with anxiety, fear of recurrence, talking with family) and goals.',
    ),
    email: 'program@kokoro-care.example.jp',
    url: 'https://kokoro-care.example.jp/breast',
    types: ['disease_specific', 'regional'],
    leadership: 'professional',
    audience: ['patients'],
    min_age: 18,
    conditions: ['DOID:1612'],
    activities: ['peer_support', 'lectures'],
    participation: {
      diagnosis_required: true,
      referral_required: true,
      screening_required: true,
      observers_welcome: false,
      text: text(
        '主治医または相談支援センターからの紹介のうえ、参加前に面談があります。定員に達したら次の回の募集をお待ちください。',
        'You need a referral from your doctor or a cancer support centre, and there is an interview before you join. When the programme is full, please wait for the next one.',
      ),
    },
    fees: {
      options: [
        {
          id: 'example-grp-breast-psychoeducation.fee',
          option: text('全8回', 'All 8 sessions'),
          amount: 8000,
          currency: 'JPY',
          period: 'one_off',
          amount_description: null,
          waiver: true,
          waiver_text: text('減免制度があります。', 'It can be reduced or waived.'),
        },
      ],
    },
    languages: ['ja'],
    channels: ['in_person', 'phone'],
    accessibility: ['wheelchair', 'hearing_loop'],
    independence: 'organisation_run',
    industry_funding_pct: 0,
    medical_advisers: text(
      '乳腺外科医と精神腫瘍科医が監修しています。',
      'Overseen by a breast surgeon and a psycho-oncologist.',
    ),
    evidence_policy: text(
      '内容は心理教育の研究に基づいています。治療についての判断は主治医と相談してください。',
      'The content follows research on psycho-educational interventions. Decisions about treatment are for you and your doctor.',
    ),
    capacity: 10,
    locations: [
      {
        id: 'example-loc-kokoro-room',
        kind: 'physical',
        name: '（例）こころのケア財団 研修室',
        lat: 35.4447,
        lon: 139.6422,
        address: {
          address_1: '（例）日本大通1',
          city: '横浜市中区',
          region: '神奈川県',
          country: 'JP',
        },
        visibility: 'public',
      },
    ],
    service_areas: [{ id: 'example-grp-breast-psychoeducation.area', place: 'JP-14' }],
    schedules: [
      {
        id: 'example-grp-breast-psychoeducation.sch',
        rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=8',
        dtstart: '2027-01-12',
        timezone: tokyo,
        opens_at: '18:30',
        closes_at: '20:00',
      },
    ],
  },
  {
    // Disease-specific, regional chapter; hybrid; advocacy; a small share of industry funding.
    id: 'example-grp-als-kanagawa',
    organisation_id: 'example-org-nanbyo-kanagawa',
    name: text(
      '（例）ALS 患者・家族のつどい かながわ',
      '(Example) ALS patients and families gathering, Kanagawa',
    ),
    description: described(
      'ALS（筋萎縮性側索硬化症）の患者と家族が、介護や意思伝達の工夫を話し合い、行政への要望もまとめる会の例です。会場に来られない方はオンラインで参加できます。',
      'An example of a gathering where people with ALS and their families share ways of caring and communicating, and put together requests to local government. You can join online if you cannot come.',
    ),
    email: 'kanagawa@nanbyo-network.example.jp',
    types: ['disease_specific', 'regional'],
    leadership: 'peer',
    audience: ['patients', 'family'],
    conditions: ['NANDO:1200002'],
    activities: ['peer_support', 'advocacy', 'lectures', 'information_sharing'],
    participation: { diagnosis_required: false, observers_welcome: true },
    fees: {
      options: [
        {
          id: 'example-grp-als-kanagawa.fee',
          option: text('年会費', 'Membership'),
          amount: 2000,
          currency: 'JPY',
          period: 'annual',
          amount_description: null,
        },
      ],
      description: text(
        '会員でない方も参加できます（無料）。',
        'Non-members may take part free of charge.',
      ),
    },
    languages: ['ja'],
    channels: ['in_person', 'video', 'newsletter', 'mailing_list'],
    accessibility: ['wheelchair', 'hearing_loop', 'captions'],
    independence: 'organisation_run',
    industry_funding_pct: 5,
    funding: text(
      '会費と寄付のほか、講演会の会場費の一部を製薬企業1社から受けています（資金の約5%）。',
      'Membership fees and donations; one pharmaceutical company pays part of the venue costs of lectures (about 5% of its funding).',
    ),
    locations: [
      {
        id: 'example-loc-kanagawa-hall',
        kind: 'physical',
        name: '（例）県民センター 会議室',
        lat: 35.4447,
        lon: 139.6422,
        address: {
          address_1: '（例）本町1-1',
          city: '横浜市中区',
          region: '神奈川県',
          country: 'JP',
        },
        visibility: 'public',
      },
      {
        id: 'example-loc-kanagawa-online',
        kind: 'virtual',
        url: 'https://meet.example.org/als-kanagawa',
        visibility: 'members',
      },
    ],
    service_areas: [{ id: 'example-grp-als-kanagawa.area', place: 'JP-14' }],
    schedules: [
      {
        id: 'example-grp-als-kanagawa.sch',
        rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=1SA',
        dtstart: '2026-02-07',
        timezone: tokyo,
        opens_at: '13:00',
        closes_at: '16:00',
      },
    ],
  },
  {
    // Young people (AYA); hybrid, Tokyo and online; social.
    id: 'example-grp-aya-tokyo',
    organisation_id: 'example-org-online',
    name: text('（例）AYA世代がん 若者のつどい', '(Example) Young adults with cancer meetup'),
    description: described(
      '15〜39歳でがんを経験した若者が、進学・就職・恋愛など同世代ならではの悩みを話す会の例です。',
      'An example of a meetup for people who had cancer between 15 and 39, to talk about study, work, relationships and other things people their age face.',
    ),
    email: 'aya@online-peers.example.jp',
    types: ['disease_specific', 'regional', 'online'],
    leadership: 'peer',
    audience: ['young_people', 'patients'],
    min_age: 15,
    max_age: 39,
    conditions: ['TOMONI:AYA-CANCER'],
    activities: ['peer_support', 'social'],
    participation: { diagnosis_required: true, observers_welcome: true },
    fees: { free: true, options: [] },
    languages: ['ja', 'en'],
    channels: ['in_person', 'video', 'whatsapp'],
    accessibility: ['wheelchair'],
    independence: 'independent',
    industry_funding_pct: 0,
    locations: [
      {
        id: 'example-loc-aya-cafe',
        kind: 'physical',
        name: '（例）コミュニティカフェ',
        lat: 35.6461,
        lon: 139.6531,
        address: {
          address_1: '（例）三軒茶屋1-1',
          city: '世田谷区',
          region: '東京都',
          country: 'JP',
        },
        visibility: 'public',
      },
      {
        id: 'example-loc-aya-online',
        kind: 'virtual',
        url: 'https://meet.example.org/aya',
        visibility: 'members',
      },
    ],
    service_areas: [{ id: 'example-grp-aya-tokyo.area', place: 'JP-13' }],
    schedules: [
      {
        id: 'example-grp-aya-tokyo.sch',
        rrule: 'FREQ=MONTHLY;BYDAY=-1FR',
        dtstart: '2026-01-30',
        timezone: tokyo,
        opens_at: '19:00',
        closes_at: '21:00',
      },
    ],
  },
]
