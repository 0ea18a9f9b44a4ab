import { describe, expect, it } from 'vitest';
import { MAX_FEEDBACK_COMMENT_CHARS, isContentReport, parseFeedback } from '../../src/domain/feedback';
import { RecentAnswers } from '../../src/bot/feedback/recent-answers';

describe('parseFeedback (the invoke’s actionValue)', () => {
  it.each([
    ['Teams: a JSON string', { reaction: 'dislike', feedback: '{"feedbackText":"Made up a source"}' }, { reaction: 'dislike', comment: 'Made up a source' }],
    ['Teams: an empty form', { reaction: 'like', feedback: '{"feedbackText":""}' }, { reaction: 'like' }],
    ['Teams: already an object', { reaction: 'dislike', feedback: { feedbackText: ' Rude ' } }, { reaction: 'dislike', comment: 'Rude' }],
    ['Playground: plain text', { reaction: 'dislike', feedback: 'Too long' }, { reaction: 'dislike', comment: 'Too long' }],
    ['no feedback at all', { reaction: 'like' }, { reaction: 'like' }],
    ['whitespace only', { reaction: 'dislike', feedback: '  \n ' }, { reaction: 'dislike' }],
    ['JSON without feedbackText (a custom form): kept as typed', { reaction: 'dislike', feedback: '{"other":1}' }, { reaction: 'dislike', comment: '{"other":1}' }],
    ['broken JSON: kept as typed', { reaction: 'dislike', feedback: '{oops' }, { reaction: 'dislike', comment: '{oops' }],
    ['a number is no comment', { reaction: 'like', feedback: 42 }, { reaction: 'like' }],
    ['control characters removed', { reaction: 'dislike', feedback: 'a\u0000b\u0007c' }, { reaction: 'dislike', comment: 'abc' }],
  ])('%s', (_what, value, expected) => {
    expect(parseFeedback(value)).toEqual(expected);
  });

  it.each([
    ['no value', undefined],
    ['a string', 'like'],
    ['no reaction', { feedback: 'x' }],
    ['an unknown reaction', { reaction: 'love', feedback: 'x' }],
    ['a reaction of another case', { reaction: 'Dislike' }],
  ])('is not feedback: %s', (_what, value) => {
    expect(parseFeedback(value)).toBeUndefined();
  });

  it('cuts a very long comment rather than refusing it (by characters, not UTF-16 units)', () => {
    const parsed = parseFeedback({ reaction: 'dislike', feedback: '😀'.repeat(MAX_FEEDBACK_COMMENT_CHARS + 10) });
    expect(Array.from(parsed!.comment!)).toHaveLength(MAX_FEEDBACK_COMMENT_CHARS);
  });

  it('a content report is a 👎 with a comment', () => {
    expect(isContentReport({ reaction: 'dislike', comment: 'bad' })).toBe(true);
    expect(isContentReport({ reaction: 'dislike' })).toBe(false);
    expect(isContentReport({ reaction: 'like', comment: 'good' })).toBe(false);
  });
});

describe('RecentAnswers', () => {
  it('keeps the newest answers up to its capacity and forgets those past their age', () => {
    let now = 0;
    const recent = new RecentAnswers({ capacity: 2, maxAgeMs: 1000, now: () => now });
    recent.remember('a', 'A');
    recent.remember('b', 'B');
    recent.remember('c', 'C');
    expect([recent.textOf('a'), recent.textOf('b'), recent.textOf('c')]).toEqual([undefined, 'B', 'C']);
    now = 1001;
    expect(recent.textOf('c')).toBeUndefined();
  });
});
