import { RE2JS } from 're2js';
import type { TopicRegexCompiler } from '../../ports/topic-regex';

/** Longest pattern compiled; Kafka has no limit, but a client-controlled string should not cost unbounded memory. */
const MAX_PATTERN_LENGTH = 4096;

/**
 * KC-12 with re2js, the JavaScript port of RE2/J that Kafka 4.0 uses: the same syntax is refused
 * (look-arounds, back-references…) and `matches` is a full match, as Kafka's resolution does.
 */
export const re2TopicRegex: TopicRegexCompiler = (regex) => {
  if (regex.length > MAX_PATTERN_LENGTH) return null;
  try {
    const pattern = RE2JS.compile(regex);
    return (topic) => pattern.matches(topic);
  } catch {
    return null;
  }
};
