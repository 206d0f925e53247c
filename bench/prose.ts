// Plain, police-plan-like prose for the synthetic benchmark drop. Pure and deterministic: the
// same random source gives the same text. Most sentences are filler that the rules must read
// and reject; about one in twelve touches an APSP item (at some stage, or in a context the
// rules exclude), so match and judge have real work to do.

/** mulberry32: a small, fast, seeded PRNG; the whole drop is a function of its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const between = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const SLOTS: Record<string, readonly string[]> = {
  unit: ['the Counter Corruption Unit', 'the Anti-Corruption Unit', 'Professional Standards', 'the CCU', 'the ACU', 'the Professional Standards Department'],
  team: ['the neighbourhood policing team', 'the contact centre', 'the custody team', 'the public protection unit', 'the roads policing unit', 'the Learning and Development team', 'the estates team', 'the finance department', 'the crime bureau', 'the force control room'],
  month: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'September', 'October', 'November', 'December'],
  past: ['January 2017', 'February 2017', 'March 2017', 'April 2017', 'November 2016', 'December 2016'],
  future: ['September 2017', 'October 2017', 'December 2017', 'March 2018', 'the end of 2017', 'the autumn'],
  system: ['Niche', 'Athena', 'the PNC', 'STORM', 'the duty management system', 'the force intranet', 'the HR system', 'Connect'],
  partner: ['the local IDVA service', 'the county Women\'s Aid refuge', 'the SARC', 'the rape crisis centre', 'the drug and alcohol service', 'the mental health trust', 'sex worker outreach projects', 'the homeless charity'],
  topic: ['demand management', 'estate rationalisation', 'custody provision', 'digital investigation', 'fleet replacement', 'stop and search scrutiny', 'crime data integrity', 'wellbeing support', 'the rural crime strategy', 'firearms licensing'],
  number: ['two', 'three', 'four', 'five', 'six', 'eight', 'twelve'],
};

const FILLER = [
  '{team} continues to deliver improvements in {topic} in line with the Police and Crime Plan.',
  'The delivery board met in {month} and agreed the revised terms of reference for {topic}.',
  'Performance against the agreed measures for {topic} is reported to the Chief Officer Group each quarter.',
  'A further {number} officers were trained by {team} during the reporting period.',
  'The budget for {topic} was set following consultation with the Police and Crime Commissioner.',
  'Risks are recorded on the corporate risk register and reviewed by the relevant strategic lead.',
  'The force will continue to work with neighbouring forces on collaboration opportunities in {topic}.',
  'Staff surveys show that confidence in {team} has improved since the last inspection.',
  'The action owner will provide an update on {topic} to the next meeting of the governance board.',
  'Data quality checks on {system} records are carried out by {team} every month.',
  'The estates programme will release savings that are reinvested in frontline policing.',
  'Public satisfaction with the service provided by {team} remains above the national average.',
  'A communications plan supports the roll-out of the changes to {topic} across all districts.',
  'Learning from complaints is shared with supervisors through the monthly bulletin.',
  'The equality impact assessment for {topic} was refreshed and published on the force website.',
  'Demand on {team} increased by {number} per cent compared with the previous year.',
  'Minutes of the meeting are held by the business support team and are available on request.',
  'Supervisors review the workload of {team} weekly and move resources where demand requires.',
  'This section summarises progress against each recommendation made in the previous report.',
  'The programme board approved the business benefits realisation plan for {topic} in {month}.',
];

const RELEVANT = [
  // national strategy
  'The plan has been mapped against the national strategy agreed by the National Police Chiefs\' Council in April 2017.',
  'Our action plan follows the NPCC strategy on abuse of position for a sexual purpose.',
  'This strategy supports the national Policing Vision 2025, published by the National Police Chiefs\' Council.',
  // counter-corruption unit capability
  'A review of the capability and capacity of {unit} began on 3 April 2017.',
  'The PSD resourcing review will consider the analytical capacity of {unit} by {future}.',
  'Following the review of its capacity, {unit} recruited {number} additional investigators in {past}.',
  'The CCU completed the retrospective review of allegations received since April 2014.',
  // IT monitoring
  'Protective monitoring software was procured in {past} and will go live by {future}.',
  'The Information Security team now monitors every search made on {system} and the PND.',
  'A business case for user activity monitoring software will be presented to the chief officer team in {future}.',
  'Internal audit will examine the fleet budget in {future}.',
  'An audit of {system} use is carried out when a complaint is received about an officer.',
  // partner relationships
  'From {future} {unit} will approach {partner} to agree a route by which they can pass on concerns about the conduct of officers.',
  'ACU officers briefed staff at {partner} on the warning signs of abuse of position in {past}.',
  'Victims of domestic abuse who raise concerns about an officer will continue to be offered referral to an IDVA.',
  'A confidential reporting line for {partner} to share intelligence about officers has been in place since {past}.',
  // progress cues without an item
  'The review will report by 30 September 2017.',
  'This work has not yet started and is subject to a business case.',
];

function fill(r: Rand, template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => pick(r, SLOTS[k] ?? [k]));
}

/** One sentence: mostly filler, about one in `relevantEvery` about an APSP item. */
export function sentence(r: Rand, relevantEvery = 12): string {
  return fill(r, r() < 1 / relevantEvery ? pick(r, RELEVANT) : pick(r, FILLER));
}

/** A paragraph of `n` sentences. */
export function paragraph(r: Rand, n: number): string {
  return Array.from({ length: n }, () => sentence(r)).join(' ');
}

export const SECTION_TITLES = [
  'Introduction', 'Governance', 'Counter-corruption capability', 'Information technology', 'Working with partners',
  'Training and awareness', 'Vetting', 'Performance', 'Risks and issues', 'Next steps', 'Resourcing', 'Appendix',
];

/** About 2,800 characters of text: a page of a typical plan at 10 pt, as paragraphs. */
export function pageText(r: Rand): string[] {
  const paras: string[] = [];
  let chars = 0;
  while (chars < 2600) {
    const p = paragraph(r, between(r, 3, 6));
    paras.push(p);
    chars += p.length;
  }
  return paras;
}
