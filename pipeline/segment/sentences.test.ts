import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.js';

const split = (t: string) => splitSentences(t).map((s) => t.slice(s.start, s.end));

describe('splitSentences', () => {
  it('does not split police abbreviations, numbers and dotted dates', () => {
    expect(split('Det. Supt. Jones leads the review. D/Supt. Smith chairs No. 3 board on 31.05.2017. Powers under s.39A apply.')).toEqual([
      'Det. Supt. Jones leads the review.',
      'D/Supt. Smith chairs No. 3 board on 31.05.2017.',
      'Powers under s.39A apply.',
    ]);
  });
  it('splits after a capital letter that ends a sentence and keeps initials', () => {
    expect(split('See Annex A. The review began. Mr. J. Smith agreed.')).toEqual(['See Annex A.', 'The review began.', 'Mr. J. Smith agreed.']);
  });
  it('keeps closing quotes with their sentence', () => {
    expect(split('He said “it is live.” Then it stopped.')).toEqual(['He said “it is live.”', 'Then it stopped.']);
  });
  it('ends a quotation that opens a sentence and closes without a stop', () => {
    expect(split('“and to build relationships with the organisations” We will ask refuges. “Not this” one.')).toEqual(['“and to build relationships with the organisations”', 'We will ask refuges.', '“Not this” one.']);
  });
  it('does not split e.g. and i.e. or before a lower-case word', () => {
    expect(split('Partners, e.g. refuges, i.e. local ones. etc. continue here.')).toEqual(['Partners, e.g. refuges, i.e. local ones. etc. continue here.']);
  });
});
