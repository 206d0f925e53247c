// How an inspector reads progress, sentence by sentence: each case is a short submission and
// the status an inspector would give one item. Written by hand, independently of the rules.
import { describe, expect, it } from 'vitest';
import { assessForce } from '../assess.js';
import { loadRuleset } from '../rules/load.js';
import type { ExtractedDocument, Item } from '../schemas.js';
import { textToParts } from '../extract/text.js';

const ruleset = loadRuleset('rules');

function doc(file: string, text: string): ExtractedDocument {
  return { file, sha256: file, bytes: text.length, format: 'txt', status: 'ok', notes: [], meta: {}, parts: textToParts(text, false), extractor: 'test' };
}

function status(item: Item, ...texts: string[]): string {
  const r = assessForce({ slug: 'test', name: 'Test', documents: texts.map((t, i) => doc(`d${i}.txt`, t)) }, ruleset, '2017-06-01');
  return r.assessment.criteria[item].status;
}

describe('IT monitoring', () => {
  it.each([
    ['Protective monitoring software has been live on every desktop and laptop since March 2016.', 'in_place'],
    ['Software that audits user activity on all force systems went live on 2 May 2017.', 'in_place'],
    ['The force intends to buy software to monitor the use of its IT systems, subject to a successful business case.', 'planned'],
    ['A contract for user activity monitoring software was signed in April 2017 and installation is under way; it is not yet live.', 'commenced'],
    ['Audits of an officer’s searches on Niche are carried out when a complaint is made.', 'no_information'],
    ['Internal audit will review the force’s financial systems in the autumn.', 'no_information'],
    ['All staff will complete the data protection e-learning package by September 2017.', 'no_information'],
    ['There are currently no plans to introduce monitoring software for the force’s IT systems.', 'no_information'],
    ['Monitoring of all IT systems will be in place no later than 31 March 2018.', 'planned'],
    ['The ICT security team now reviews access logs for every system each week and refers misuse to the ACU.', 'in_place'],
  ])('%s → %s', (text, expected) => {
    expect(status('it_monitoring', text)).toBe(expected);
  });
});

describe('counter-corruption unit capability and capacity', () => {
  it.each([
    ['A review of the capability and capacity of the Anti-Corruption Unit began on 3 April 2017 and will report in September.', 'commenced'],
    ['The Chief Officer Group agreed in March 2017 that the capacity of the CCU would be reviewed in Q2 2017/18.', 'planned'],
    ['Following the review of the unit’s capacity, two analysts and an intelligence officer joined the Counter Corruption Unit in February 2017.', 'in_place'],
    ['No additional analysts have been recruited to the CCU to date.', 'planned'],
    ['The CCU completed its retrospective review of allegations received since 2014 and referred three cases to the IPCC.', 'no_information'],
    ['Concerns about an officer’s behaviour should be referred to the Counter Corruption Unit.', 'no_information'],
  ])('%s → %s', (text, expected) => {
    expect(status('ccu_capability', text)).toBe(expected);
  });
});

describe('relationships with organisations that support vulnerable people', () => {
  it.each([
    ['From September 2017 the ACU will meet the county’s IDVA service and the women’s refuge to agree how they can pass on concerns about officers.', 'planned'],
    ['The first awareness session on abuse of position was delivered to 20 IDVAs on 12 May 2017.', 'commenced'],
    ['Victims of domestic abuse who raise concerns about an officer are offered referral to an IDVA.', 'no_information'],
    ['Since 2014 the refuges and the sex worker outreach project have passed intelligence about officers to the ACU, and four investigations followed in 2016.', 'in_place'],
    ['The MASH information sharing agreement with the county council was renewed in April 2017.', 'no_information'],
    ['We will not only keep referring victims to the SARC but will also ask it, from the autumn, to relay concerns about staff to the CCU.', 'planned'],
  ])('%s → %s', (text, expected) => {
    expect(status('partner_relationships', text)).toBe(expected);
  });
});

describe('national strategy', () => {
  it.each([
    ['Our plan has been mapped against the national strategy agreed by the NPCC in April 2017.', 'reflected'],
    ['The plan follows the NPCC strategy on abuse of position for a sexual purpose.', 'reflected'],
    ['This plan supports the Policing Vision 2025 published by the NPCC.', 'not_reflected'],
    ['The national strategy agreed in April 2017 has not yet been incorporated into this plan.', 'not_reflected'],
    ['We will check the plan against national guidance once it is published.', 'not_reflected'],
  ])('%s → %s', (text, expected) => {
    expect(status('national_strategy', text)).toBe(expected);
  });
});

describe('weighing several statements', () => {
  it('a dated update outweighs an earlier statement of intent', () => {
    expect(status('it_monitoring',
      'The force will procure protective monitoring software for all IT systems.',
      'Update: the protective monitoring software went live across all force IT systems on 02/05/2017.')).toBe('in_place');
  });
  it('a planned extension does not lower a live capability', () => {
    expect(status('it_monitoring', 'Protective monitoring has covered all desktops since 2015. It will be extended to handheld devices by December 2017.')).toBe('in_place');
  });
  it('a following sentence that refers back lends its cue', () => {
    expect(status('partner_relationships', 'The ACU will approach the women’s refuge to agree a route for concerns about officers. This work has not yet started.')).toBe('planned');
  });
  it('one sentence on two items gives each the stage of its own clause', () => {
    const both = 'The review of the anti-corruption unit’s capacity has not started yet; protective monitoring software went live on every desktop in March 2017.';
    expect(status('it_monitoring', both)).toBe('in_place');
    expect(status('ccu_capability', both)).toBe('planned');
  });
  it('a clause about no other item goes on with the one before it', () => {
    expect(status('it_monitoring', 'Installation of the protective monitoring software on desktops was completed in April 2017; laptops will follow before go-live in October 2017.')).toBe('commenced');
  });
  it('a plan that was abandoned shows no work, unless another route was taken', () => {
    expect(status('it_monitoring', 'The force’s 2015 plan to buy protective monitoring software was abandoned in 2016 when the supplier withdrew.')).toBe('no_information');
    expect(status('it_monitoring', 'The 2015 tender was abandoned; instead the force bought protective monitoring software from the national framework, which went live in March 2017.')).toBe('in_place');
  });
  it('a sentence that opens on a condition is a plan', () => {
    expect(status('it_monitoring', 'If the bid to the transformation fund succeeds, the force will introduce software that watches how its computer systems are used.')).toBe('planned');
  });
  it('results a tool turned up show it working', () => {
    expect(status('it_monitoring', 'Every search on force desktops is screened by monitoring software; in April alone it flagged 14 cases of officers viewing records with no policing purpose.')).toBe('in_place');
  });
  it('meetings held to agree an arrangement are work begun, not the arrangement in place', () => {
    expect(status('partner_relationships', 'Since March an intelligence officer has been meeting two rape crisis centres to agree how their staff can pass on concerns about officers.')).toBe('commenced');
  });
  it('another organisation’s unit is not the force’s', () => {
    expect(status('ccu_capability', 'The regional organised crime unit completed a review of its own anti-corruption capability in 2016.')).toBe('no_information');
  });
  it('a part in place does not outweigh a plainer statement that the rest is not done', () => {
    const filled = 'Two additional intelligence development officers have been in post in the CCU since 3 April 2017.';
    expect(status('ccu_capability', filled)).toBe('in_place');
    expect(status('ccu_capability', filled,
      'The CCU resourcing review reported in December 2016 and its four growth posts were approved; the two intelligence development posts are filled and the two analyst posts are being recruited.')).toBe('commenced');
  });
  it('a part in place beside a plan for the remaining systems is work begun', () => {
    const live = 'Monitoring software has been live on Niche since 3 April 2017 and its alerts are reviewed each morning.';
    expect(status('it_monitoring', live)).toBe('in_place');
    expect(status('it_monitoring', live, 'STORM, PNC and e-mail are due to be added to the monitoring in the third quarter, subject to funding.')).toBe('commenced');
    // a plan for something else (a later review of the unit) leaves a part in place as it is
    expect(status('it_monitoring', live, 'The PSD will report on the benefits to the Change Board at the post-implementation review.')).toBe('in_place');
  });
  it('a clause that refers back can set the clause before it aside', () => {
    const theirs = 'The regional team have started talking to the SARC about a reporting route for concerns about officers';
    expect(status('partner_relationships', `${theirs}.`)).toBe('commenced');
    expect(status('partner_relationships', `${theirs}; that is their project rather than ours.`)).toBe('no_information');
  });
  it('a paragraph struck out in a tracked-changes copy does not count', () => {
    expect(status('ccu_capability', '3.2 [Deleted: Two additional intelligence researchers have been recruited to the CCU.]')).toBe('no_information');
  });
  it('"not only" denies nothing', () => {
    expect(status('partner_relationships', 'The scheme is not only a leaflet but also a working route: since October 2016 named ACU officers have been the contacts for the three refuges and the ISVA service, who pass on concerns about officers.')).toBe('in_place');
  });
  it('a question restating the recommendation is not evidence', () => {
    expect(status('it_monitoring', 'What progress has the force made in developing the capability to monitor IT systems actively?')).toBe('no_information');
  });
});

describe('reading in context', () => {
  const statusAs = (name: string, item: Item, text: string, markdown = false) =>
    assessForce({ slug: 'test', name, documents: [{ ...doc('d.md', text), parts: textToParts(text, markdown) }] }, ruleset, '2017-06-01').assessment.criteria[item].status;

  it('a passage under a label naming another force is that force’s work', () => {
    const minutes = 'Dyfed-Powys. The Head of PSD said the force had finished its review of counter-corruption resourcing and was recruiting to two posts.\n\n' +
      'North Wales. The DCC would commission an examination of the capacity of the force’s anti-corruption unit in the autumn.';
    expect(statusAs('North Wales Police', 'ccu_capability', minutes)).toBe('planned');
    // its review finished and it is recruiting: work begun, not yet in place
    expect(statusAs('Dyfed-Powys Police', 'ccu_capability', minutes)).toBe('commenced');
  });

  it('a passage that opens in another force’s area is that force’s work', () => {
    const text = 'In Worcestershire and Herefordshire the unit now receives concerns about officers from the domestic abuse services.';
    const as = (slug: string, name: string) => assessForce({ slug, name, documents: [doc('d.txt', text)] }, ruleset, '2017-06-01').assessment.criteria.partner_relationships.status;
    expect(as('west-mercia', 'West Mercia Police')).toBe('in_place');
    expect(as('warwickshire', 'Warwickshire Police')).toBe('no_information');
    // only an opening that places the passage: a partner's name is not a place
    const named = 'The ACU now receives concerns about officers from the Worcestershire domestic abuse services.';
    expect(assessForce({ slug: 'warwickshire', name: 'Warwickshire Police', documents: [doc('d.txt', named)] }, ruleset, '2017-06-01').assessment.criteria.partner_relationships.status).toBe('in_place');
  });

  it('a row quoting the recommendation in one column still counts on the action in another', () => {
    const table = '| Ref | Recommendation | Action | Status |\n| --- | --- | --- | --- |\n' +
      '| 14 | All forces should have started to implement a plan to build relationships with the individuals and organisations that support vulnerable people | An intelligence-sharing protocol with the rape crisis centres, so that concerns about officers can be passed to the CCU | Not started |';
    expect(statusAs('Test', 'partner_relationships', table, true)).toBe('planned');
  });

  it('an exclusion speaks only of its own sentence in a cell, but of the whole row from other cells', () => {
    const qa = '| Q | Answer |\n| --- | --- |\n' +
      '| A3 | Protective monitoring software has covered every force desktop since July 2016, with alerts sent to the CCU daily. We plan to extend it to the body-worn video back office later this year. |';
    expect(statusAs('Test', 'it_monitoring', qa, true)).toBe('in_place');
    const forensics = '| Ref | Lead | Activity |\n| --- | --- | --- |\n| 4 | Head of Forensics | Triage kiosks in four hubs; audit of digital devices awaiting examination |';
    expect(statusAs('Test', 'it_monitoring', forensics, true)).toBe('no_information');
  });

  it('the items of a forwarded request are questions, not answers', () => {
    const mail = 'I need a line or two from you on each of the following:\n\n1) Any review of the ACU’s capability and capacity\n\n2) Technology to monitor IT systems actively\n\nThanks';
    expect(statusAs('Test', 'ccu_capability', mail)).toBe('no_information');
    expect(statusAs('Test', 'it_monitoring', mail)).toBe('no_information');
    // the same words as an answer count
    expect(statusAs('Test', 'ccu_capability', 'Our answers are as follows:\n\n1) A review of the ACU’s capability and capacity began on 3 April 2017.')).toBe('commenced');
  });

  it('a sentence on the topic right after evidence in the same paragraph continues it', () => {
    expect(statusAs('Test', 'partner_relationships', 'Refuge managers concerned about an officer can now contact the ACU directly. The first meeting with the county’s refuges was held on 4 May 2017.')).toBe('commenced');
    // not across paragraphs
    expect(statusAs('Test', 'partner_relationships', 'Refuge managers concerned about an officer will be able to contact the ACU directly.\n\nThe first meeting with the county’s refuges was held on 4 May 2017.')).toBe('planned');
  });
});
