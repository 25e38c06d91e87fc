/**
 * KC-12: compiles a KIP-848 `SubscribedTopicRegex` with Kafka's semantics (RE2/J syntax, full
 * match). Resolves to a predicate over topic names, or null when RE2 refuses the pattern (the
 * heartbeat then answers INVALID_REGULAR_EXPRESSION). Never throws for any input string.
 */
export type TopicRegexCompiler = (regex: string) => ((topic: string) => boolean) | null;

/** DI symbol of `TopicRegexCompiler`. */
export const TOPIC_REGEX = Symbol.for('TopicRegexCompiler');
